#include "rules/port_matcher.h"

#include <charconv>
#include <string>

#include "rules/group_expression.h"

namespace mamori {
namespace {

using PortSet = IntervalSet<uint16_t>;

bool parsePort(std::string_view text, uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

struct PortSyntax {
  const RuleVariables& vars;

  const std::string* lookupVariable(const std::string& name) const { return vars.portGroup(name); }

  // "80", "80:90", "1024:" (to 65535) and ":1023" (from 0).
  bool parseLiteral(std::string_view token, PortSet& out, std::string& reason) const {
    size_t colon = token.find(':');
    uint16_t lo = 0, hi = 65535;
    bool ok;
    if (colon == std::string_view::npos) {
      ok = parsePort(token, lo);
      hi = lo;
    } else {
      std::string_view first = token.substr(0, colon), last = token.substr(colon + 1);
      ok = !(first.empty() && last.empty()) && (first.empty() || parsePort(first, lo)) &&
           (last.empty() || parsePort(last, hi));
      if (ok && hi < lo) {
        reason = "port range '" + std::string(token) + "' ends before it starts";
        return false;
      }
    }
    if (!ok) {
      reason = "invalid port '" + std::string(token) + "'";
      return false;
    }
    out.add(lo, hi);
    return true;
  }
};

}  // namespace

PortMatcher::PortMatcher() : ports_(PortSet::full()) {}

bool PortMatcher::compile(std::string_view expression, const RuleVariables& vars,
                          PortMatcher& out, ExpressionError& error) {
  PortSet set;
  if (!detail::parseGroupExpression(expression, PortSyntax{vars}, set, error)) return false;
  out.any_ = set.isFull();
  out.ports_ = std::move(set);
  return true;
}

}  // namespace mamori
