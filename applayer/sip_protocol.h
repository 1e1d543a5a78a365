#pragma once
// SipProtocol: SIP (RFC 3261) over UDP and TCP as an app-layer plug-in. Each message is
// one record (EVE `sip`, a transaction of its own as Suricata counts them), its fields the
// sip.* sticky buffers (SipMessageParser). UDP: each datagram is one message (one of
// blanks only is a keep-alive, skipped). TCP: a
// direction's bytes are framed by the header block's end and Content-Length, at most
// kMaxMessage buffered (charged to the AppMemory); a longer message, a gap or bytes that are
// not SIP end parsing of that direction, counted as malformed.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class SipProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxMessage = 64 << 10;

  std::string_view name() const override { return "sip"; }
  uint8_t transports() const override { return kUdp | kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 5060; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
