#include "tools/demogen/office_network.h"

#include <arpa/inet.h>

#include <stdexcept>
#include <string>

namespace mamori::demogen {

Host officeHost(Rng& rng, uint8_t lastOctet, const StackProfile& stack) {
  return lanHost(rng, ipv4(192, 168, 10, lastOctet), stack);
}

Host lanHost(Rng& rng, Ipv4Address ip, const StackProfile& stack) {
  Host host;
  host.ip = ip;
  host.mac = documentationMac(static_cast<uint8_t>(ip.value));
  host.stack = stack;
  host.latencyToTap = rng.between(60, 250);
  host.nextIpId = static_cast<uint16_t>(rng.next());
  return host;
}

Host remoteHost(Rng& rng, Ipv4Address ip, uint8_t hops, Micros latency) {
  Host host;
  host.ip = ip;
  host.mac = documentationMac(kGatewayOctet);
  host.stack = kLinuxStack;
  host.hopsToTap = hops;
  host.latencyToTap = latency;
  host.nextIpId = static_cast<uint16_t>(rng.next());
  return host;
}

Bytes ipv4Bytes(Ipv4Address ip) {
  return {static_cast<uint8_t>(ip.value >> 24), static_cast<uint8_t>(ip.value >> 16),
          static_cast<uint8_t>(ip.value >> 8), static_cast<uint8_t>(ip.value)};
}

Ipv4Address parseIpv4(std::string_view dotted) {
  const std::string text(dotted);
  in_addr address{};
  if (inet_pton(AF_INET, text.c_str(), &address) != 1) {
    throw std::invalid_argument("not an IPv4 address: \"" + text + "\"");
  }
  return Ipv4Address{ntohl(address.s_addr)};
}

}  // namespace mamori::demogen
