#pragma once
// Compiles a pushed RuleSetPackage into what a sensor runs: the signature database of its
// *.rules files, and the correlation rules of its *.yaml files added to the project's
// default correlation rules. The central compiles every pushed set this way before it
// accepts it, and each sensor again with its own variables, so "it builds" means the same
// thing on both sides. Compile-time work: never on a packet or output thread.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "correlate/correlation_rule.h"
#include "detect/rule_set_builder.h"
#include "rules/rule_variables.h"
#include "uplink/rule_set_package.h"

namespace mamori {

struct CompiledRuleSet {
  BuiltSignatures signatures;
  std::optional<CorrelationRuleSet> correlation;  // set when the correlation rules parsed
  // Every problem, one line each, as `mamori rules check` prints them
  // ("file:line:column: sid N: reason"; correlation rules "file:line: key: reason").
  std::vector<std::string> errors;

  // Usable whole: no rule failed, the database and the correlation rules were built.
  bool ok() const { return errors.empty() && signatures.database && correlation; }
};

// `default_correlation` is the folder of the project's own correlation rules (loaded
// first); `cache_dir` holds compiled pattern databases (empty: none).
CompiledRuleSet compileRuleSet(const RuleSetPackage& package, const RuleVariables& variables,
                               const std::string& cache_dir, const std::string& default_correlation);

}  // namespace mamori
