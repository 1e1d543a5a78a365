#pragma once
// LdapProtocol: LDAP (RFC 4511) over TCP and UDP (CLDAP) port 389 as an app-layer plug-in.
// A transaction is what Suricata makes one: a request and the responses carrying its
// message ID (a search's entries and references, then its result), or responses no
// request of the flow asked for (an unsolicited notice of disconnection). A request is
// inspected as it arrives (ldap.request.operation, ldap.request.dn,
// ldap.request.attribute_type); its responses once the last one is in
// (ldap.responses.operation, .dn, .result_code, .message, .attribute_type: an instance per
// response; ldap.responses.count), which is also when the transaction's EVE `ldap` record
// is written (request and responses, as Suricata writes it). Unbind and abandon, which no
// response answers, are written at once; what is still open when the flow ends is written
// then.
//
// TCP: each message is one BER SEQUENCE; one longer than kMaxMessage, a gap or bytes that
// are not LDAP end parsing of that direction (counted), as does the start of TLS after a
// successful StartTLS (not counted: encrypted from there). At most kMaxOpen transactions
// are open at once (the oldest is written when another opens) and an open one keeps at
// most kMaxHeld bytes of its responses' fields and EVE (past that, responses are counted
// but not kept).
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class LdapProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxMessage = 256 << 10;
  static constexpr size_t kMaxOpen = 8;
  static constexpr size_t kMaxHeld = 4096;

  std::string_view name() const override { return "ldap"; }
  uint8_t transports() const override { return kUdp | kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 389 || port == 3268; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
