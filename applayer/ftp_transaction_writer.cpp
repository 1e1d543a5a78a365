#include "applayer/ftp_transaction_writer.h"

#include <cstring>

namespace mamori {
namespace {

// A record of `tx` from `side`, with the events no record of it carried yet.
void start(FtpTransaction& tx, Direction side, bool logged, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "ftp";
  out.tx_id = tx.tx_id;
  out.role = side;
  out.logged = logged;
  out.events = tx.events & ~tx.reported;
  tx.reported = tx.events;
}

}  // namespace

void FtpTransactionWriter::command(FtpTransaction& tx, bool bounce, ProtocolTransaction& out) {
  start(tx, Direction::ToServer, false, out);
  out.add("ftp.command", tx.command);
  if (!tx.data.empty()) out.add("ftp.command_data", tx.data);
  if (bounce) out.addNumber("ftpbounce", 1);
}

void FtpTransactionWriter::reply(FtpTransaction& tx, bool logged, ProtocolTransaction& out) {
  start(tx, Direction::ToClient, logged, out);
  // A preliminary reply's record says only that the reply is still to come: the reply's
  // fields are inspected once, with the final reply, as Suricata alerts once per transaction.
  if (!logged) {
    if (tx.has_command) out.addNumber("ftp.reply_received", 0);
    return;
  }
  for (const ProtocolField& f : tx.replies.fields) out.add(f.name, tx.replies.value(f));
  if (tx.has_mode) out.addNumber("ftp.mode", tx.active ? 1 : 0);
  if (tx.dynamic_port) out.addNumber("ftp.dynamic_port", tx.dynamic_port);
  if (tx.has_command) out.addNumber("ftp.reply_received", tx.done ? 1 : 0);
  eve_.begin();
  if (tx.has_command) {
    eve_.key("command");
    eve_.string(tx.command);
    if (!tx.data.empty()) {
      eve_.key("command_data");
      eve_.string(tx.data);
      eve_.key("command_truncated");
      eve_.boolean(tx.command_truncated);
    }
  }
  // Suricata leaves an array out when it would be empty (its schema wants one item).
  for (const char* name : {"ftp.completion_code", "ftp.reply"}) {
    bool open = false;
    for (const ProtocolField& f : tx.replies.fields) {
      if (std::strcmp(f.name, name) != 0) continue;
      if (!open) {
        eve_.key(name + 4);
        eve_.startArray();
        open = true;
      }
      eve_.string(tx.replies.value(f));
    }
    if (open) eve_.endArray();
  }
  if (tx.dynamic_port) {
    eve_.key("dynamic_port");
    eve_.number(tx.dynamic_port);
  }
  if (tx.has_mode) {
    eve_.key("mode");
    eve_.string(tx.active ? "active" : "passive");
  }
  eve_.key("reply_received");
  eve_.string(tx.done ? "yes" : "no");
  eve_.key("reply_truncated");
  eve_.boolean(tx.reply_truncated);
  eve_.finish(out.eve);
}

}  // namespace mamori
