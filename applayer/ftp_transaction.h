#pragma once
// FtpTransaction: one FTP command and its reply as Suricata 8 makes a transaction of them,
// while it is open: the command line (absent for a reply nothing asked for, as the server's
// greeting), the reply's lines as they come (one completion code per line that starts with
// three digits and a space, one reply text per line), what it announced of a data
// connection, and whether its reply is in. Its storage is reused from one transaction to the
// next.
#include <cstdint>
#include <string>

#include "applayer/app_layer_event.h"
#include "applayer/protocol_transaction.h"
#include "capture/direction.h"

namespace mamori {

struct FtpTransaction {
  uint64_t tx_id = 0;
  bool has_command = false;
  std::string command;  // the verb, upper-case
  std::string data;     // what follows it
  bool command_truncated = false;
  ProtocolTransaction replies;  // ftp.completion_code and ftp.reply fields, in order
  bool reply_truncated = false;
  bool has_mode = false, active = false;
  uint16_t dynamic_port = 0;
  bool done = false;
  AppLayerEventSet events;
  AppLayerEventSet reported;  // of `events`, those a record carried already

  void clear() {
    has_command = false;
    command.clear();
    data.clear();
    command_truncated = false;
    replies.clear();
    reply_truncated = false;
    has_mode = active = false;
    dynamic_port = 0;
    done = false;
    events.reset();
    reported.reset();
  }
};

}  // namespace mamori
