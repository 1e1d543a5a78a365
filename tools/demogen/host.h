#pragma once
// A machine as the office tap sees it: its addresses, what its TCP/IP stack puts on the
// wire, and how far away it is, which decides when its replies show up in the capture.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mamori::demogen {

using Bytes = std::vector<uint8_t>;
using Micros = int64_t;  // microseconds since the Unix epoch, or a duration
inline constexpr Micros kMillisecond = 1'000;
inline constexpr Micros kSecond = 1'000'000;

struct MacAddress {
  std::array<uint8_t, 6> octets{};
};

struct Ipv4Address {
  uint32_t value = 0;  // host byte order
};

constexpr Ipv4Address ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return Ipv4Address{(uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d};
}

// RFC 7042 reserves 00:00:5e:00:53:xx for documentation, like the IPv4 ranges used here.
constexpr MacAddress documentationMac(uint8_t last) { return MacAddress{{0x00, 0x00, 0x5e, 0x00, 0x53, last}}; }

// Fingerprint-relevant defaults, so that nDPI/p0f-style views of the demo look plausible.
struct StackProfile {
  uint8_t initialTtl;
  uint16_t synWindow;
  uint8_t windowScale;
  uint16_t window;  // advertised after the handshake, already scaled down
  uint16_t ephemeralLow;
  uint16_t ephemeralHigh;
};

inline constexpr StackProfile kWindowsStack{128, 64240, 8, 1026, 49152, 65535};
inline constexpr StackProfile kLinuxStack{64, 64240, 7, 502, 32768, 60999};

struct Host {
  Ipv4Address ip;
  // Hosts beyond the gateway reach the tap through it, so their frames carry its MAC.
  MacAddress mac;
  StackProfile stack;
  uint8_t hopsToTap = 0;
  Micros latencyToTap = 0;  // one way
  uint16_t nextIpId = 0;

  uint8_t ttlAtTap() const { return static_cast<uint8_t>(stack.initialTtl - hopsToTap); }
};

}  // namespace mamori::demogen
