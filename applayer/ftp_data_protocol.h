#pragma once
// FtpDataProtocol: an FTP data connection ("ftp-data") as an app-layer plug-in. It is never
// probed for: a connection is ftp-data when the control connection announced it (FtpProtocol,
// ProtocolSink::expectConnection), and then learns the command that asked for the transfer
// (RETR: the file goes to the control connection's client; STOR, APPE: to its server) and the
// file's name from it. The bytes sent that way are the file (ProtocolSink's file seam, so
// filename, filemagic, hashes, filestore, file_data and EVE fileinfo with app_proto ftp-data
// work); bytes the other way are not. At the connection's end the file is closed (complete
// unless the stream had a hole) and the EVE `ftp_data` record {filename, command} is written;
// ftpdata_command (retr, stor) is inspected on it. A connection nDPI names ftp-data that no
// announcement matched (a directory listing, a transfer whose control connection was not
// seen) carries no file and is not logged.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class FtpDataProtocol final : public AppProtocol {
 public:
  std::string_view name() const override { return "ftp-data"; }
  uint8_t transports() const override { return kTcp; }
  ProbeResult probe(uint8_t, Direction, const uint8_t*, size_t) const override { return ProbeResult::NoMatch; }
  bool usualPort(uint16_t) const override { return false; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
