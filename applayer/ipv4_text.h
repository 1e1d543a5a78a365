#pragma once
// ipv4Text: an IPv4 address's four bytes in dotted decimal, made in a caller's buffer, for the
// EVE writers of protocols whose messages carry addresses as bytes (DHCP, SNMP traps): no
// allocation on the per-packet path.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mamori {

inline std::string_view ipv4Text(const uint8_t* a, char (&text)[16]) {
  char* at = text;
  for (size_t i = 0; i < 4; ++i) {
    if (i) *at++ = '.';
    at = std::to_chars(at, text + sizeof(text), a[i]).ptr;
  }
  return {text, static_cast<size_t>(at - text)};
}

}  // namespace mamori
