#pragma once
// ProtocolNumberName: one row of a protocol's table of names for its numbers (LDAP operations,
// ENIP commands, Modbus functions, ...: applayer/*_names.h), as EVE writes them and as the rule
// language takes them for integer keywords (rules/protocol_buffers.h: krb5_msg_type:AS_REQ).
// numberNameOf: the name a table gives a number; empty when it has none. Tables are short and
// constant: a linear look-up, usable at compile time.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mamori {

struct ProtocolNumberName {
  std::string_view name;
  uint64_t value;
};

template <size_t N>
constexpr std::string_view numberNameOf(const ProtocolNumberName (&table)[N], uint64_t value) {
  for (const ProtocolNumberName& n : table) {
    if (n.value == value) return n.name;
  }
  return {};
}

}  // namespace mamori
