#pragma once
// Reads correlation rule files (YAML, several documents a file, Sigma-flavoured: base
// rules with `detection`, correlation rules with `correlation`) into a CorrelationRuleSet.
// Names are resolved across every file given, so a correlation may build on a rule of
// another file; finish() checks the whole set. Every error is a CorrelationRuleError
// "FILE:LINE: key.path: reason". docs/correlation.md is the language reference.
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "correlate/correlation_rule.h"

namespace mamori {

class CorrelationRuleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CorrelationRuleParser {
 public:
  // A file, or a directory: its *.yaml / *.yml files in name order. A file larger than
  // kMaxFileBytes is an error, not read.
  static constexpr size_t kMaxFileBytes = size_t{16} << 20;
  void addPath(const std::string& path);
  // `file` names the text in errors.
  void addText(const std::string& text, const std::string& file);
  // Resolves `rules` names and aliases, rejects cycles, orders the correlations.
  CorrelationRuleSet finish();

 private:
  struct Pending {
    CorrelationRule rule;
    std::vector<int> input_lines;  // where each `rules` entry is written
    std::vector<std::pair<std::string, int>> alias_rules;  // rule names aliases mention
    int group_by_line = 0;
  };

  void addDocument(const YAML::Node& doc, const std::string& file);
  void addBase(const YAML::Node& doc, const std::string& file);
  void addCorrelation(const YAML::Node& doc, const std::string& file);
  void claimName(const std::string& name, const std::string& file, int line);

  std::vector<BaseRule> base_;
  std::vector<Pending> correlations_;
  std::vector<std::pair<std::string, std::string>> names_;  // name -> "FILE:LINE", in order
  uint32_t max_regex_captures_ = 0;
};

}  // namespace mamori
