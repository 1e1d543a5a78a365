#pragma once
// Builds a signature rule set: finds the rule files behind `--rules` paths (a file, or
// every .rules file of a folder), parses them and any in-memory rule texts (a set pushed
// by a rule author) with the configured variables, and compiles the Hyperscan databases.
// Compile-time work only: start-up, SIGHUP and pushed reloads, `rules check`, and the
// central's check of a pushed set all build through here, so a set is judged the same
// way everywhere.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "detect/signature_database.h"
#include "rules/rule_parser.h"
#include "rules/rule_variables.h"

namespace mamori {

struct RuleSources {
  std::vector<std::string> paths;  // rule files or folders of .rules files
  // (name errors give, rule text): files that exist only in memory.
  std::vector<std::pair<std::string, std::string>> texts;
};

struct BuiltSignatures {
  // Every rule that parsed and compiled; null only when no database could be built.
  std::shared_ptr<const SignatureDatabase> database;
  std::vector<RuleError> errors;  // every rule that did not load, and missing paths
  size_t parsed = 0;              // rules that parsed (some may still fail to compile)
  double seconds = 0;             // parse + compile
};

// Every rule file named by `paths`, sorted within each folder. A missing path, or a folder
// without .rules files, is an error.
std::vector<std::string> ruleFiles(const std::vector<std::string>& paths, std::vector<RuleError>& errors);

// Parses `sources` into rules (paths first, then texts, each in order).
ParsedRules parseRules(const RuleSources& sources, const RuleVariables& variables);

// Parses and compiles; compiled databases are looked up in and stored to `cache_dir`
// (empty: no cache).
BuiltSignatures buildSignatures(const RuleSources& sources, const RuleVariables& variables,
                                const std::string& cache_dir);

}  // namespace mamori
