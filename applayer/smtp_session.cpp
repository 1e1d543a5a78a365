#include "applayer/smtp_session.h"

#include <algorithm>
#include <cctype>

#include "applayer/mime_header_value.h"

namespace mamori {
namespace {

using Command = SmtpSession::Command;

bool isVerb(std::string_view line, std::string_view verb) {
  return startsWithNoCase(line, verb) && (line.size() == verb.size() || line[verb.size()] == ' ');
}

Command commandOf(std::string_view line) {
  if (isVerb(line, "HELO") || isVerb(line, "EHLO")) return Command::Helo;
  if (startsWithNoCase(line, "MAIL FROM:")) return Command::Mail;
  if (startsWithNoCase(line, "RCPT TO:")) return Command::Rcpt;
  if (isVerb(line, "DATA")) return Command::Data;
  if (isVerb(line, "BDAT")) return Command::Bdat;
  if (isVerb(line, "RSET")) return Command::Rset;
  if (isVerb(line, "QUIT")) return Command::Quit;
  if (isVerb(line, "STARTTLS")) return Command::StartTls;
  return Command::Other;
}

// A command's argument as Suricata takes it: past `prefix` and any spaces, up to the next
// space (MAIL FROM's SIZE= and other ESMTP parameters are left out).
std::string_view argument(std::string_view line, size_t prefix) {
  std::string_view rest = line.substr(std::min(prefix, line.size()));
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest.substr(0, std::min(rest.find(' '), SmtpTransaction::kMaxArgument));
}

}  // namespace

void SmtpSession::line(Direction dir, std::string_view line, bool truncated, ProtocolSink& sink) {
  if (tls_) return;
  if (truncated && dir == Direction::ToClient) replyEvent(AppLayerEvent::SmtpTruncatedLine, sink);
  if (truncated && dir == Direction::ToServer) raiseEvent(AppLayerEvent::SmtpTruncatedLine);
  if (dir == Direction::ToClient) {
    reply(line, sink);
  } else if (chunk_left_ || in_data_) {
    dataLine(line, sink);
  } else {
    command(line, sink);
  }
}

// The transaction a command belongs to: a new one unless the current mail is still open,
// RSET and QUIT after a mail opening none (as Suricata's NoNewTx).
SmtpTransaction& SmtpSession::current(Command c) {
  if (has_tx_ && (!tx_.done || c == Command::Rset || c == Command::Quit)) return tx_;
  tx_.reset(next_id_++);
  tx_.helo = helo_;
  tx_.events = early_events_;
  early_events_.reset();
  has_tx_ = true;
  return tx_;
}

void SmtpSession::command(std::string_view line, ProtocolSink& sink) {
  const Command c = commandOf(line);
  SmtpTransaction& tx = current(c);
  expectReply(c, sink);
  switch (c) {
    case Command::Helo:
      helo_.assign(argument(line, 4));
      if (!tx.done) tx.helo = helo_;
      break;
    case Command::Mail: tx.mail_from.assign(argument(line, 10)); break;
    case Command::Rcpt:
      ++tx.recipients;
      if (tx.rcpt_to.size() < SmtpTransaction::kMaxRecipients) tx.rcpt_to.emplace_back(argument(line, 8));
      break;
    case Command::Data:
      in_data_ = true;
      startMessage(sink);
      break;
    case Command::Bdat: {
      const std::string_view size = argument(line, 4);
      uint64_t n = 0;
      bool valid = !size.empty() && size.size() <= 12;
      for (char ch : size) {
        valid = valid && std::isdigit(static_cast<unsigned char>(ch));
        n = n * 10 + static_cast<uint64_t>(ch - '0');
      }
      if (!valid) {
        sink.malformed();
        break;
      }
      const std::string_view rest = line.substr(std::min(line.size(), line.find(size) + size.size()));
      last_chunk_ = rest.find("LAST") != std::string_view::npos || rest.find("last") != std::string_view::npos;
      chunk_left_ = n;
      if (!mime_.active()) startMessage(sink);
      if (n == 0 && last_chunk_) endMessage(true, sink);
      break;
    }
    case Command::Rset:
      if (!tx.done) finish(sink);
      break;
    default: break;
  }
}

void SmtpSession::expectReply(Command c, ProtocolSink& sink) {
  if (pending_count_ == kMaxPending) {
    sink.malformed();
    pending_head_ = (pending_head_ + 1) % kMaxPending;
    --pending_count_;
  }
  pending_[(pending_head_ + pending_count_++) % kMaxPending] = c;
}

void SmtpSession::startMessage(ProtocolSink& sink) {
  if (mime_.active()) {  // DATA after a BDAT chunk that was not LAST: that message is cut
    mime_.end(false, sink);
    tx_.events |= mime_.takeEvents();
  }
  tx_.data = true;
  writer_.envelope(tx_, record_);
  sink.emit(Direction::ToServer, record_);
  tx_.envelope_sent = true;
  mime_.begin(Direction::ToServer, tx_.id);
}

void SmtpSession::dataLine(std::string_view line, ProtocolSink& sink) {
  if (in_data_) {
    if (line == ".") {
      in_data_ = false;
      expectReply(Command::DataEnd, sink);  // the message's end is answered (250 queued)
      endMessage(true, sink);
      return;
    }
    if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // dot-stuffing
  }
  mime_.line(line, sink);
}

void SmtpSession::chunkRead(uint64_t n, ProtocolSink& sink) {
  chunk_left_ -= std::min(n, chunk_left_);
  if (chunk_left_ == 0 && last_chunk_ && mime_.active()) endMessage(true, sink);
}

void SmtpSession::endMessage(bool complete, ProtocolSink& sink) {
  mime_.end(complete, sink);
  tx_.events |= mime_.takeEvents();
  finish(sink);
}

void SmtpSession::finish(ProtocolSink& sink) {
  if (!has_tx_ || tx_.done) return;
  tx_.done = true;
  if (mime_.active()) {
    mime_.end(false, sink);
    tx_.events |= mime_.takeEvents();
  }
  const MimeMessageHeaders* message = tx_.data ? &mime_.headers() : nullptr;
  const char* status = !message ? "" : raised(tx_.events, AppLayerEvent::SmtpMimeParseFailed) ? "PARSE_ERROR"
                       : message->seen                                                  ? "PARSE_DONE"
                                                                                         : "HEADER_STARTED";
  writer_.finish(tx_, message, status, record_);
  sink.emit(Direction::ToServer, record_);
}

void SmtpSession::reply(std::string_view line, ProtocolSink& sink) {
  const bool coded = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                     std::isdigit(static_cast<unsigned char>(line[1])) && std::isdigit(static_cast<unsigned char>(line[2]));
  if (!coded || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
    replyEvent(AppLayerEvent::SmtpInvalidReply, sink);
    sink.malformed();
    return;
  }
  const bool more = line.size() > 3 && line[3] == '-';
  reply_open_ = more;
  if (more) return;
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!greeted_) {
    greeted_ = true;
    if (pending_count_ == 0) {
      if (code != 220) replyEvent(AppLayerEvent::SmtpNoServerWelcomeMessage, sink);
      return;
    }
  }
  if (pending_count_ == 0) {
    replyEvent(AppLayerEvent::SmtpUnableToMatchReplyWithRequest, sink);
    return;
  }
  const Command c = pending_[pending_head_];
  pending_head_ = (pending_head_ + 1) % kMaxPending;
  --pending_count_;
  switch (c) {
    case Command::StartTls:
      if (code == 220) {
        tls_ = true;
      } else {
        replyEvent(AppLayerEvent::SmtpTlsRejected, sink);
      }
      break;
    case Command::Data:
      if (code != 354 && in_data_) {
        replyEvent(AppLayerEvent::SmtpDataCommandRejected, sink);
        in_data_ = false;
        endMessage(false, sink);
      }
      break;
    default: break;
  }
}

// A reply's anomaly is the server's: inspected at once on the server's side, as Suricata's
// rules for them (flow:to_client) expect, on the mail it answers.
void SmtpSession::replyEvent(AppLayerEvent e, ProtocolSink& sink) {
  AppLayerEventSet events;
  raise(events, e);
  writer_.events(has_tx_ && !tx_.done ? tx_.id : next_id_, events, Direction::ToClient, record_);
  sink.emit(Direction::ToClient, record_);
}

void SmtpSession::onEnd(ProtocolSink& sink) {
  if (mime_.active()) {
    endMessage(false, sink);
  } else {
    finish(sink);
  }
  if (early_events_.none()) return;
  writer_.events(next_id_++, early_events_, Direction::ToServer, record_);
  early_events_.reset();
  sink.emit(Direction::ToServer, record_);
}

}  // namespace mamori
