#pragma once
// RdpProtocol: the start of an RDP connection (MS-RDPBCGR 1.3.1.1) over TCP 3389 as an
// app-layer plug-in. Each direction is framed into TPKT packets (at most kMaxPacket held,
// charged to the AppMemory) decoded by RdpMessageDecoder: the X.224 connection request and
// confirm, the MCS Connect-Initial and Connect-Response are each a record (EVE `rdp`, a
// transaction of its own as Suricata counts them). When the confirm's negotiation selects a
// security protocol other than standard RDP security (TLS, CredSSP, ...), the next bytes of
// either side that start a TLS handshake record end the clear part: a tls_handshake record,
// then the flow is handed to TLS (AppProtocol::protocolChange), whose parser reads the
// handshake from its first byte. Before the confirm, bytes that are not TPKT, a TPKT packet
// that does not decode, or a gap end parsing of that direction, counted as malformed; after
// it, RDP's own traffic (fast-path PDUs, not TPKT) is not parsed: nothing more is logged.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class RdpProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxPacket = 0xffff;  // TPKT's length field

  std::string_view name() const override { return "rdp"; }
  uint8_t transports() const override { return kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 3389; }
  bool probesUsualPortsOnly() const override { return true; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
