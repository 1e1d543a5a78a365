#include "tools/demogen/office_network.h"

namespace mamori::demogen {

Host officeHost(Rng& rng, uint8_t lastOctet, const StackProfile& stack) {
  Host host;
  host.ip = ipv4(192, 168, 10, lastOctet);
  host.mac = documentationMac(lastOctet);
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

}  // namespace mamori::demogen
