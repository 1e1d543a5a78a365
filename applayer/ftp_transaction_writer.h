#pragma once
// FtpTransactionWriter: an FtpTransaction as the records detection and EVE take
// (ProtocolTransaction). A command's record (inspected as it arrives: ftp.command,
// ftp.command_data, ftpbounce), one when a preliminary 1yz reply comes (inspected only:
// ftp.reply_received no), and the transaction's once its reply is in, or never came by the
// flow's end: ftp.completion_code
// and ftp.reply (an instance per reply line), ftp.mode and ftp.dynamic_port after a data
// connection was announced, ftp.reply_received, and the EVE `ftp` object as Suricata 8
// writes it (command, command_data, command_truncated, completion_code, reply,
// dynamic_port, mode, reply_received, reply_truncated).
#include "applayer/eve_object_writer.h"
#include "applayer/ftp_transaction.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

class FtpTransactionWriter {
 public:
  // `bounce`: the command (PORT, EPRT) names a host other than the client.
  // Each record carries the transaction's events it is the first to carry.
  void command(FtpTransaction& tx, bool bounce, ProtocolTransaction& out);
  // `logged`: false for a preliminary reply's record, inspected only.
  void reply(FtpTransaction& tx, bool logged, ProtocolTransaction& out);

 private:
  EveObjectWriter eve_;
};

}  // namespace mamori
