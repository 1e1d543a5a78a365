#pragma once
// SmbProtocol: SMB 1/2/3 over TCP (445 direct, 139 NetBIOS) as an app-layer plug-in. The
// stream is NBSS framed (RFC 1002 section 4.3): a 4-byte header, type and length; a session
// message (type 0) holds one SMB message, whose length SMB2's direct TCP transport gives in
// 24 bits, at most kMaxRecord; keep-alives and the NetBIOS session set-up are skipped. A
// record longer than kMaxRecord, an unknown NBSS type or a gap ends parsing of that
// direction (the first two counted as malformed, with app-layer-event smb.record_overflow for
// the first); what a direction holds of a record not yet whole is at most kMaxRecord,
// charged to the AppMemory. The messages go to an SmbSession (applayer/smb_session.h): its
// transactions, EVE `smb` records, files and named-pipe payload.
//
// Probe: an NBSS session message whose payload starts with 0xFF/0xFE/0xFD 'SMB'. nDPI's
// "smb" verdict gives it the flow too.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class SmbProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxRecord = (1 << 20) + 4096;

  std::string_view name() const override { return "smb"; }
  uint8_t transports() const override { return kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 445 || port == 139; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
