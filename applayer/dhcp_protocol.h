#pragma once
// DhcpProtocol: DHCPv4 (RFC 2131, over BOOTP on UDP 67 and 68) as an app-layer plug-in. Each
// datagram is one message and one record (EVE `dhcp`, a transaction of its own as Suricata
// counts them), written by DhcpTransactionWriter. A datagram without a whole BOOTP header and
// the DHCP magic cookie is counted as malformed. The probe (op and cookie) is tried on flows
// using port 67 or 68 only, as Suricata registers its DHCP parser. DHCPv6 is another protocol
// (nDPI's DHCPV6 verdict does not name these flows "dhcp").
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class DhcpProtocol final : public AppProtocol {
 public:
  std::string_view name() const override { return "dhcp"; }
  uint8_t transports() const override { return kUdp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 67 || port == 68; }
  bool probesUsualPortsOnly() const override { return true; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
