#pragma once
// Krb5Protocol: Kerberos 5 (RFC 4120) over UDP and TCP as an app-layer plug-in. Each
// AS-REQ, AS-REP, TGS-REQ, TGS-REP and KRB-ERROR is one record (EVE `krb5`, a transaction of
// its own as Suricata counts them): its msg_type and err_code as numbers (krb5_msg_type,
// krb5_err_code), each component of its client and server names as a krb5.cname /
// krb5.sname instance, and the EVE object Suricata writes (msg_type, cname, realm, sname,
// encryption, weak_encryption, ticket_encryption; failed_request and error_code for an
// error, the request it answers being the flow's last one). AP-REQ, AP-REP, KRB-SAFE,
// KRB-PRIV and KRB-CRED are read but make no record (as in Suricata).
//
// UDP: each datagram is one message. TCP (RFC 4120 section 7.2.2): each message follows a
// 4-byte big-endian length; a record longer than kMaxRecord (or with the reserved high bit
// set), a gap or bytes that are not Kerberos end parsing of that direction. What a
// direction holds of a record not yet whole is at most kMaxRecord, charged to the
// AppMemory. A message that does not decode is counted as malformed.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class Krb5Protocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxRecord = 64 << 10;

  std::string_view name() const override { return "krb5"; }
  uint8_t transports() const override { return kUdp | kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 88; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
