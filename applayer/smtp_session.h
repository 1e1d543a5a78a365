#pragma once
// SmtpSession: one SMTP connection's commands and replies, a line at a time (RFC 5321), as
// Suricata's SMTP parser follows them: commands are queued as the client sends them
// (PIPELINING, RFC 2920) and each final reply line answers the oldest; a transaction is a mail
// (applayer/smtp_transaction.h) whose message, after DATA (dot-stuffed, RFC 5321 section
// 4.5.2) or in BDAT chunks (RFC 3030), goes to a MimeMessageDecoder. STARTTLS answered 220 ends
// the clear text: tlsStarted(), and the session reads nothing more.
//
// Events, under Suricata's names: a reply whose code is not three digits (invalid_reply), a
// reply no command asks for (unable_to_match_reply_with_request), a first reply other than
// 220 (no_server_welcome_message), STARTTLS or DATA refused (tls_rejected,
// data_command_rejected), a line cut at the bound (truncated_line), and the message's mime_*
// ones. A reply's (the first five, and a server's line cut) go at once on a record of the
// server's side (inspected, not logged), as Suricata's rules look for them (flow:to_client);
// the client's ride on the open mail, those raised between mails on the next one, or at the
// flow's end on a record of their own.
#include <cstdint>
#include <string_view>

#include "applayer/mime_message_decoder.h"
#include "applayer/protocol_transaction.h"
#include "applayer/smtp_transaction.h"
#include "applayer/smtp_transaction_writer.h"

namespace mamori {

class SmtpSession {
 public:
  // Commands sent and not yet answered, at most (older ones are dropped, counted malformed).
  static constexpr size_t kMaxPending = 64;

  // DataEnd: DATA's "." line, which the server answers as a command.
  enum class Command : uint8_t { Other, Helo, Mail, Rcpt, Data, Bdat, Rset, Quit, StartTls, DataEnd };

  // One line of `dir`, without its line end; `truncated`: cut at the line bound.
  void line(Direction dir, std::string_view line, bool truncated, ProtocolSink& sink);
  // BDAT: how many bytes of the client's stream are still the current chunk's.
  uint64_t chunkLeft() const { return chunk_left_; }
  bool lastChunk() const { return last_chunk_; }
  // `n` bytes of the chunk were read (their lines given to line()); the last chunk's end ends
  // the message.
  void chunkRead(uint64_t n, ProtocolSink& sink);
  bool tlsStarted() const { return tls_; }
  void onEnd(ProtocolSink& sink);

 private:
  void command(std::string_view line, ProtocolSink& sink);
  void expectReply(Command c, ProtocolSink& sink);
  void reply(std::string_view line, ProtocolSink& sink);
  void dataLine(std::string_view line, ProtocolSink& sink);
  SmtpTransaction& current(Command c);
  void startMessage(ProtocolSink& sink);
  void endMessage(bool complete, ProtocolSink& sink);
  void finish(ProtocolSink& sink);
  // A client side's event: on the open mail; else kept for the next one (or, at the flow's end,
  // a record of their own).
  void raiseEvent(AppLayerEvent e) { raise(has_tx_ && !tx_.done ? tx_.events : early_events_, e); }
  void replyEvent(AppLayerEvent e, ProtocolSink& sink);

  SmtpTransaction tx_;
  bool has_tx_ = false;
  uint64_t next_id_ = 0;
  std::string helo_;  // the session's, for every transaction
  Command pending_[kMaxPending] = {};
  size_t pending_head_ = 0, pending_count_ = 0;
  bool greeted_ = false;
  bool in_data_ = false;     // DATA's message lines
  uint64_t chunk_left_ = 0;  // BDAT
  bool last_chunk_ = false;
  bool tls_ = false;
  bool reply_open_ = false;  // a multi-line reply (250-...) is being read
  AppLayerEventSet early_events_;
  MimeMessageDecoder mime_;
  SmtpTransactionWriter writer_;
  ProtocolTransaction record_;
};

}  // namespace mamori
