#pragma once
// A compiled port expression from a rule header ("any", "80", "1024:", "[80,8080:8090]",
// "!$HTTP_PORTS", ...). Matching is a binary search over sorted ranges, no allocation.
#include <cstdint>
#include <string_view>

#include "rules/expression_error.h"
#include "rules/interval_set.h"
#include "rules/rule_variables.h"

namespace mamori {

class PortMatcher {
 public:
  // Matches every port.
  PortMatcher();

  // Resolves $variables through `vars`; on failure `error.offset` is within `expression`.
  static bool compile(std::string_view expression, const RuleVariables& vars, PortMatcher& out,
                      ExpressionError& error);

  bool matches(uint16_t port) const { return any_ || ports_.contains(port); }
  bool isAny() const { return any_; }
  const IntervalSet<uint16_t>& ports() const { return ports_; }

 private:
  IntervalSet<uint16_t> ports_;
  bool any_ = true;
};

}  // namespace mamori
