#include "applayer/smtp_transaction_writer.h"

#include <string_view>

namespace mamori {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

void begin(const SmtpTransaction& tx, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "smtp";
  out.tx_id = tx.id;
  out.role = Direction::ToServer;
  out.events = tx.events;
}

}  // namespace

void SmtpTransactionWriter::envelopeFields(const SmtpTransaction& tx, ProtocolTransaction& out) {
  if (!tx.helo.empty()) out.add("smtp.helo", tx.helo);
  if (!tx.mail_from.empty()) out.add("smtp.mail_from", tx.mail_from);
  for (const std::string& r : tx.rcpt_to) out.add("smtp.rcpt_to", r);
}

void SmtpTransactionWriter::events(uint64_t tx_id, const AppLayerEventSet& events, Direction side,
                                   ProtocolTransaction& out) {
  out.clear();
  out.protocol = "smtp";
  out.tx_id = tx_id;
  out.role = side;
  out.events = events;
  out.logged = false;
}

void SmtpTransactionWriter::envelope(const SmtpTransaction& tx, ProtocolTransaction& out) {
  begin(tx, out);
  out.logged = false;
  envelopeFields(tx, out);
}

void SmtpTransactionWriter::finish(const SmtpTransaction& tx, const MimeMessageHeaders* message, const char* status,
                                   ProtocolTransaction& out) {
  begin(tx, out);
  if (!tx.envelope_sent) envelopeFields(tx, out);
  if (message && message->seen) {
    const std::pair<const char*, const std::string*> headers[] = {
        {"email.from", &message->from},       {"email.to", &message->to},     {"email.cc", &message->cc},
        {"email.subject", &message->subject}, {"email.date", &message->date}, {"email.message_id", &message->message_id},
        {"email.x_mailer", &message->x_mailer}};
    for (const auto& [name, value] : headers) {
      if (!value->empty()) out.add(name, *value);
    }
    for (const std::string& r : message->received) out.add("email.received", r);
  }
  if (message) {
    for (const std::string& u : message->urls) out.add("email.url", u);
  }
  eve_.begin();
  eve_.text("helo", tx.helo);
  eve_.text("mail_from", tx.mail_from);
  if (!tx.rcpt_to.empty()) {
    eve_.key("rcpt_to");
    eve_.startArray();
    for (const std::string& r : tx.rcpt_to) eve_.string(r);
    eve_.endArray();
  }
  eve_.finish(out.eve);
  if (!message) return;
  eve_.begin();
  eve_.text("status", status);
  eve_.text("from", trimmed(message->from));
  list("to", message->to);
  list("cc", message->cc);
  for (const auto& [key, values] : {std::pair{"attachment", &message->attachments}, std::pair{"url", &message->urls}}) {
    if (values->empty()) continue;
    eve_.key(key);
    eve_.startArray();
    for (const std::string& v : *values) eve_.string(v);
    eve_.endArray();
  }
  out.also_key = "email";
  eve_.finish(out.also_eve);
}

// An address list header (To, Cc) as Suricata writes it: each comma-separated address, trimmed.
void SmtpTransactionWriter::list(const char* key, const std::string& header) {
  std::string_view rest = header;
  bool open = false;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view one = trimmed(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (one.empty()) continue;
    if (!open) {
      eve_.key(key);
      eve_.startArray();
      open = true;
    }
    eve_.string(one);
  }
  if (open) eve_.endArray();
}

}  // namespace mamori
