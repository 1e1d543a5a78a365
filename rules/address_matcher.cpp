#include "rules/address_matcher.h"

#include <arpa/inet.h>

#include <charconv>
#include <string>

#include "rules/group_expression.h"

namespace mamori {
namespace {

using V6 = AddressMatcher::V6;

// Both families side by side, so that "!$HOME_NET" over an IPv4-only HOME_NET still
// matches every IPv6 address, as in Suricata.
struct AddressSet {
  IntervalSet<uint32_t> v4;
  IntervalSet<V6> v6;

  static AddressSet full() { return {IntervalSet<uint32_t>::full(), IntervalSet<V6>::full()}; }
  void unite(const AddressSet& o) {
    v4.unite(o.v4);
    v6.unite(o.v6);
  }
  AddressSet complement() const { return {v4.complement(), v6.complement()}; }
  AddressSet subtract(const AddressSet& o) const { return {v4.subtract(o.v4), v6.subtract(o.v6)}; }
  bool empty() const { return v4.empty() && v6.empty(); }
};

bool parseAddress(std::string_view text, IpAddress& out) {
  std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = 4;
  } else if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = 6;
  } else {
    return false;
  }
  out = a;
  return true;
}

bool parsePrefixLength(std::string_view text, unsigned max_bits, unsigned& bits) {
  if (text.empty() || text.size() > 3) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
  return ec == std::errc{} && end == text.data() + text.size() && bits <= max_bits;
}

// Dotted IPv4 netmask (255.255.255.0) to a prefix length; only contiguous masks.
bool parseNetmask(std::string_view text, unsigned& bits) {
  IpAddress mask;
  if (!parseAddress(text, mask) || mask.family != 4) return false;
  uint32_t m = AddressMatcher::v4Value(mask);
  bits = 0;
  while (bits < 32 && (m & (uint32_t{1} << (31 - bits)))) ++bits;
  // The host part in 64 bits: 32 - bits is 32 for a mask with no leading one (0.0.0.1).
  return (m & ((uint64_t{1} << (32 - bits)) - 1)) == 0;
}

template <typename T>
void addPrefix(IntervalSet<T>& set, T value, unsigned bits, unsigned width) {
  T host_mask = bits == 0 ? IntervalSet<T>::kMax : static_cast<T>((T{1} << (width - bits)) - 1);
  set.add(value & ~host_mask, value | host_mask);
}

struct AddressSyntax {
  const RuleVariables& vars;

  const std::string* lookupVariable(const std::string& name) const {
    return vars.addressGroup(name);
  }

  bool parseLiteral(std::string_view token, AddressSet& out, std::string& reason) const {
    if (size_t dash = token.find('-'); dash != std::string_view::npos) {
      IpAddress lo, hi;
      if (!parseAddress(token.substr(0, dash), lo) || !parseAddress(token.substr(dash + 1), hi) ||
          lo.family != hi.family) {
        reason = "invalid address range '" + std::string(token) + "'";
        return false;
      }
      if (lo.family == 4) {
        if (AddressMatcher::v4Value(hi) < AddressMatcher::v4Value(lo)) {
          reason = "address range '" + std::string(token) + "' ends before it starts";
          return false;
        }
        out.v4.add(AddressMatcher::v4Value(lo), AddressMatcher::v4Value(hi));
      } else {
        if (AddressMatcher::v6Value(hi) < AddressMatcher::v6Value(lo)) {
          reason = "address range '" + std::string(token) + "' ends before it starts";
          return false;
        }
        out.v6.add(AddressMatcher::v6Value(lo), AddressMatcher::v6Value(hi));
      }
      return true;
    }
    size_t slash = token.find('/');
    IpAddress address;
    if (!parseAddress(token.substr(0, slash), address)) {
      reason = "invalid address '" + std::string(token) + "'";
      return false;
    }
    unsigned width = address.family == 4 ? 32 : 128;
    unsigned bits = width;
    if (slash != std::string_view::npos) {
      std::string_view suffix = token.substr(slash + 1);
      bool ok = parsePrefixLength(suffix, width, bits) ||
                (address.family == 4 && parseNetmask(suffix, bits));
      if (!ok) {
        reason = "invalid prefix length or netmask in '" + std::string(token) + "'";
        return false;
      }
    }
    if (address.family == 4) {
      addPrefix(out.v4, AddressMatcher::v4Value(address), bits, 32);
    } else {
      addPrefix(out.v6, AddressMatcher::v6Value(address), bits, 128);
    }
    return true;
  }
};

}  // namespace

AddressMatcher::AddressMatcher() : v4_(IntervalSet<uint32_t>::full()), v6_(IntervalSet<V6>::full()) {}

bool AddressMatcher::compile(std::string_view expression, const RuleVariables& vars,
                             AddressMatcher& out, ExpressionError& error) {
  AddressSet set;
  if (!detail::parseGroupExpression(expression, AddressSyntax{vars}, set, error)) return false;
  out.v4_ = std::move(set.v4);
  out.v6_ = std::move(set.v6);
  out.any_ = out.v4_.isFull() && out.v6_.isFull();
  return true;
}

}  // namespace mamori
