#pragma once
// Suricata rule text -> Rules. A rule that does not load is reported with its file, line,
// column and sid, and skipped; the others load. Never crashes or hangs, whatever the input.
//
// Files hold one rule a line; lines ending in '\' continue on the next; blank lines and
// lines starting with '#' (which includes disabled rules, "#alert ...") are skipped.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/classification.h"
#include "rules/rule.h"
#include "rules/rule_error.h"
#include "rules/rule_variables.h"

namespace mamori {

struct ParsedRules {
  std::vector<Rule> rules;
  std::vector<RuleError> errors;
};

class RuleParser {
 public:
  // A rule (its lines joined) longer than this is an error, not read: ET's longest are a
  // few KiB, and one of megabytes took a minute and most of a GiB to parse. A rule file
  // larger than the second is not read at all.
  static constexpr size_t kMaxRuleBytes = 64 * 1024;
  static constexpr size_t kMaxRuleFileBytes = size_t{256} << 20;

  RuleParser();  // Suricata's default variables and classtypes
  RuleParser(RuleVariables variables, ClassificationTable classes);

  // Rules are appended to `out`; one parser per rule set, since it refuses a second rule
  // with a (gid, sid) it has already loaded.
  void parseText(std::string_view text, const std::string& file, ParsedRules& out);
  // False (and an error at line 0) when the file cannot be read or is too large.
  bool parseFile(const std::string& path, ParsedRules& out);

  // One rule on one line, without comment handling; `error` is set when it returns nullopt.
  // Does not check for duplicate sids.
  std::optional<Rule> parseRule(std::string_view text, const std::string& file, uint32_t line,
                                RuleError& error) const;

 private:
  struct LineSegment;
  std::optional<Rule> parseLogicalRule(std::string_view text, const std::string& file,
                                       const std::vector<LineSegment>& segments,
                                       RuleError& error) const;
  void addRule(Rule rule, ParsedRules& out);

  RuleVariables variables_;
  ClassificationTable classes_;
  std::map<std::pair<uint32_t, uint32_t>, std::pair<std::string, uint32_t>> loaded_;  // (gid, sid) -> file, line
  // The datasets its rules name, defined by the first (a parser reads one rule set).
  std::shared_ptr<DatasetRegistry> datasets_;
  std::shared_ptr<ReputationSource> reputation_;
};

}  // namespace mamori
