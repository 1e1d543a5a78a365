#pragma once
// An IPv4 or IPv6 address as it travels through the pipeline: fixed size, no heap,
// comparable, hashable. IPv4 lives in the first four bytes; the rest stay zero.
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>

namespace mamori {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  uint8_t family = 0;  // 4 or 6; 0 when unset

  static IpAddress v4(const uint8_t* p) {
    IpAddress a;
    std::memcpy(a.bytes.data(), p, 4);
    a.family = 4;
    return a;
  }
  static IpAddress v6(const uint8_t* p) {
    IpAddress a;
    std::memcpy(a.bytes.data(), p, 16);
    a.family = 6;
    return a;
  }
  // Parses dotted IPv4 or textual IPv6; returns false on anything else.
  static bool parse(const std::string& text, IpAddress& out);

  size_t size() const { return family == 6 ? 16 : 4; }
  std::string toString() const;

  auto operator<=>(const IpAddress&) const = default;
  bool operator==(const IpAddress&) const = default;
};

}  // namespace mamori
