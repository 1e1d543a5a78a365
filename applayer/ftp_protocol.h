#pragma once
// FtpProtocol: the FTP control connection (RFC 959, TCP 21) as an app-layer plug-in, as
// Suricata 8 models it: a transaction per command, answered by the server's reply (several
// lines when multi-line: "123-" ... "123 "; a preliminary 1yz reply keeps it open for the
// final one); a reply nothing asked for (the greeting) is a transaction of its own. Lines are
// at most FtpLineReader::kMaxLine bytes: a longer one is cut (command_truncated /
// reply_truncated, events ftp.request_command_too_long / response_command_too_long).
//
// Data connections: a PORT or EPRT command (active mode: the client listens) or a 227 / 229
// reply to PASV / EPSV (passive: the server listens) names the port; the next RETR, STOR or
// APPE announces the connection to it between the same two hosts (ProtocolSink::
// expectConnection), which the ftp-data plug-in (applayer/ftp_data_protocol.h) then parses,
// its bytes a file named by the command. A PORT naming another host than the client (a
// bounce: the server is made to connect to a third host) is flagged (ftpbounce); that
// connection is not between the two hosts and is never matched.
//
// After AUTH TLS answered 234 both sides speak TLS: their records are stepped over, unread,
// until a side speaks clear text again (CCC, RFC 4217: the commands after TLS's close_notify
// are parsed again).
// At most kMaxOpen transactions are open (unanswered, pipelined) at once: one more writes the
// oldest as it is (event ftp.too_many_transactions); a transaction keeps at most kMaxHeld
// bytes of its reply lines, their bookkeeping included (past that they are not kept:
// reply_truncated).
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class FtpProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxOpen = 8;
  static constexpr size_t kMaxHeld = 8192;

  std::string_view name() const override { return "ftp"; }
  uint8_t transports() const override { return kTcp; }
  // A client's first USER, PASS, PORT or FEAT, or the server's 220 greeting (Suricata's
  // patterns for FTP); a greeting that names SMTP, or another command word, is FTP on port 21.
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 21; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
