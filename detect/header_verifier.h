#pragma once
// Verifies a rule's header keywords (ttl, flags, itype, dsize, ...) on one packet. A
// keyword about a protocol the packet is not (flags on UDP, itype on TCP) does not match.
#include "capture/packet.h"
#include "rules/rule.h"

namespace mamori {

bool headerTestsMatch(const HeaderTests& tests, const DecodedPacket& pkt);

// The bytes of one of the packet's headers (with IPv4 options, IPv6 extension headers,
// TCP options); false when the packet has no such header.
bool headerBuffer(const DecodedPacket& pkt, HeaderBuffer buffer, const uint8_t*& data, size_t& length);

}  // namespace mamori
