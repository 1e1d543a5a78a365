#pragma once
// Ethernet II / IPv4 / TCP, UDP, ICMP encoding with correct checksums. Consumes a sender,
// a receiver and a transport payload; produces one complete frame for the capture file.
#include <cstdint>
#include <span>
#include <string_view>

#include "tools/demogen/host.h"

namespace mamori::demogen {

namespace tcp_flag {
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kPsh = 0x08;
inline constexpr uint8_t kAck = 0x10;
}  // namespace tcp_flag

struct TcpSegment {
  uint16_t sourcePort = 0;
  uint16_t destinationPort = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  Bytes options;  // already padded to a multiple of four
  std::span<const uint8_t> payload;
};

inline std::span<const uint8_t> bytesOf(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// The SYN options Windows sends: MSS, NOP, window scale, NOP, NOP, SACK permitted.
Bytes synOptions(uint16_t mss, uint8_t windowScale);
// A bare MSS option, as nmap's SYN probes carry.
Bytes mssOption(uint16_t mss);

// Each encoder takes the IPv4 identification from the sender, as its stack would.
Bytes tcpFrame(Host& from, const Host& to, const TcpSegment& segment);
Bytes udpFrame(Host& from, const Host& to, uint16_t sourcePort, uint16_t destinationPort,
               std::span<const uint8_t> payload);
Bytes icmpEchoFrame(Host& from, const Host& to, bool reply, uint16_t identifier, uint16_t sequence,
                    std::span<const uint8_t> payload);

// One piece of an IPv4 datagram: `offset` in bytes (a multiple of eight), `piece` the bytes
// of the datagram's payload from there. The pieces need not add up (a fragment flood).
Bytes ipv4Fragment(Host& from, const Host& to, uint8_t protocol, uint16_t identification, uint16_t offset,
                   bool moreFragments, std::span<const uint8_t> piece);

void putU16(Bytes& out, uint16_t value);
void putU32(Bytes& out, uint32_t value);

}  // namespace mamori::demogen
