#pragma once
// The office network the scenarios share (docs/demo.md, "The network"): hosts on
// 192.168.10.0/24, and hosts beyond the gateway 192.168.10.1, whose MAC their frames carry
// at the tap. The campaign scenario's two sites are offices of the same shape on other
// LANs, each behind its own gateway .1. Each host draws its latency and first IP ID from
// the scenario's Rng.
#include <cstdint>
#include <string_view>

#include "tools/demogen/host.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

inline constexpr uint8_t kGatewayOctet = 1;

Host officeHost(Rng& rng, uint8_t lastOctet, const StackProfile& stack);
// A host on the tap's own LAN, whichever that is; its MAC ends in its address's last octet.
Host lanHost(Rng& rng, Ipv4Address ip, const StackProfile& stack);
// A Linux host `hops` routers beyond the gateway, `latency` one way from the tap.
Host remoteHost(Rng& rng, Ipv4Address ip, uint8_t hops, Micros latency);

// The four bytes of an A record.
Bytes ipv4Bytes(Ipv4Address ip);
// "a.b.c.d" to an address; throws std::invalid_argument naming the text if it is not one.
Ipv4Address parseIpv4(std::string_view dotted);

}  // namespace mamori::demogen
