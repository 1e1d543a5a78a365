#pragma once
// Finds the rule files behind `--rules` paths (a file, or every .rules file in a folder)
// and parses them with the configured variables. Shared by `run` and `rules check`.
#include <string>
#include <vector>

#include "apps/config.h"
#include "rules/rule_parser.h"

namespace mamori {

// The project's own rules, used when no --rules is given.
std::string defaultRulesPath();
// The default correlation rules, always loaded (--correlation adds more).
std::string defaultCorrelationPath();

// Every rule file named by `paths`, sorted within each folder. A missing path is an error.
std::vector<std::string> ruleFiles(const std::vector<std::string>& paths, std::vector<RuleError>& errors);

ParsedRules loadRules(const std::vector<std::string>& paths, const Config& config);

}  // namespace mamori
