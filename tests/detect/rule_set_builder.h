#pragma once
// Builds a rule set from rule text for a detect test, failing the test on any parse or
// build error.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "detect/signature_database.h"
#include "rules/rule_parser.h"

namespace mamori::test {

inline std::shared_ptr<const SignatureDatabase> buildRuleSet(const std::string& rules,
                                                             const RuleVariables& variables = RuleVariables()) {
  RuleParser parser(variables, ClassificationTable::suricataDefaults());
  ParsedRules parsed;
  parser.parseText(rules, "test.rules", parsed);
  for (const RuleError& e : parsed.errors) ADD_FAILURE() << e.toString();
  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build(std::move(parsed.rules), errors);
  for (const RuleError& e : errors) ADD_FAILURE() << e.toString();
  return db;
}

}  // namespace mamori::test
