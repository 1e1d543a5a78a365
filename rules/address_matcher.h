#pragma once
// A compiled address expression from a rule header ("any", "$HOME_NET",
// "[10.0.0.0/8,!10.1.2.3]", "2001:db8::/32", ...). Matching is a binary search over
// sorted ranges per address family: no allocation, no variable lookups at run time.
#include <cstdint>
#include <string_view>

#include "capture/ip_address.h"
#include "rules/expression_error.h"
#include "rules/interval_set.h"
#include "rules/rule_variables.h"

namespace mamori {

class AddressMatcher {
 public:
  using V6 = unsigned __int128;

  // Matches every address.
  AddressMatcher();

  // Resolves $variables through `vars`; on failure `error.offset` is within `expression`.
  static bool compile(std::string_view expression, const RuleVariables& vars,
                      AddressMatcher& out, ExpressionError& error);

  bool matches(const IpAddress& address) const {
    if (any_) return true;
    if (address.family == 4) return v4_.contains(v4Value(address));
    if (address.family == 6) return v6_.contains(v6Value(address));
    return false;
  }

  bool isAny() const { return any_; }
  const IntervalSet<uint32_t>& v4() const { return v4_; }
  const IntervalSet<V6>& v6() const { return v6_; }

  static uint32_t v4Value(const IpAddress& a) {
    return uint32_t{a.bytes[0]} << 24 | uint32_t{a.bytes[1]} << 16 | uint32_t{a.bytes[2]} << 8 |
           uint32_t{a.bytes[3]};
  }
  static V6 v6Value(const IpAddress& a) {
    V6 v = 0;
    for (uint8_t b : a.bytes) v = v << 8 | b;
    return v;
  }

 private:
  IntervalSet<uint32_t> v4_;
  IntervalSet<V6> v6_;
  bool any_ = true;
};

}  // namespace mamori
