#pragma once
// numberNameOf: the name a protocol's table ({name, value} rows: applayer/ldap_names.h,
// applayer/enip_names.h) gives a number; empty when it has none. Tables are short and
// constant: a linear look-up, usable at compile time.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mamori {

template <typename Name, size_t N>
constexpr std::string_view numberNameOf(const Name (&table)[N], uint32_t value) {
  for (const Name& n : table) {
    if (n.value == value) return n.name;
  }
  return {};
}

}  // namespace mamori
