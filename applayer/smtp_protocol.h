#pragma once
// SmtpProtocol: SMTP (RFC 5321, with PIPELINING, CHUNKING/BDAT and STARTTLS) over TCP 25 and
// 587 as an app-layer plug-in (465 is TLS from the first byte: nDPI's "SMTPS" gives it the TLS
// parser). Lines are read up to kMaxLine bytes (a longer one is cut there, raising
// smtp.truncated_line, the rest skipped); the commands, replies, transactions and messages
// are SmtpSession's (applayer/smtp_session.h), whose MIME parts become files.
//
// Probe: a client's HELO / EHLO; a server's "220 " / "220-" greeting is FTP's too, so it
// leaves the flow to the client's first bytes or, failing those, to the ports. nDPI's "smtp"
// verdict gives it the flow too. After STARTTLS is accepted the rest of the flow is another protocol:
// protocolChange() says "tls" (AppParsers probes what follows, as Suricata's protocol change).
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class SmtpProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxLine = 4096;

  std::string_view name() const override { return "smtp"; }
  uint8_t transports() const override { return kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 25 || port == 587; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
