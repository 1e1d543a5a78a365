#pragma once
// SmtpTransactionWriter: an SMTP transaction (SmtpTransaction) and its message's headers
// (MimeMessageDecoder) as the records detection and EVE take (ProtocolTransaction):
//   - envelope(): smtp.helo, smtp.mail_from, smtp.rcpt_to as the mail's data starts, inspected
//     then (its message may never end) and not logged;
//   - finish(): the transaction's record, logged: the envelope's fields if they were not sent
//     yet, the message's (email.*), and EVE's `smtp` object ({helo, mail_from, rcpt_to}) with
//     its `email` beside it ({status, from, to, cc, attachment, url}, as Suricata's default
//     email log writes it), when a message was seen.
#include <string>

#include "applayer/eve_object_writer.h"
#include "applayer/mime_message_decoder.h"
#include "applayer/protocol_transaction.h"
#include "applayer/smtp_transaction.h"

namespace mamori {

class SmtpTransactionWriter {
 public:
  void envelope(const SmtpTransaction& tx, ProtocolTransaction& out);
  // `message`: the message's headers, or null when the mail had none; `status`: Suricata's
  // email status (PARSE_DONE, ...).
  void finish(const SmtpTransaction& tx, const MimeMessageHeaders* message, const char* status, ProtocolTransaction& out);
  // Events on a record of their own (`side`'s), inspected, not logged: a reply's, or the
  // client's raised after the last mail ended.
  void events(uint64_t tx_id, const AppLayerEventSet& events, Direction side, ProtocolTransaction& out);

 private:
  void envelopeFields(const SmtpTransaction& tx, ProtocolTransaction& out);
  void list(const char* key, const std::string& header);

  EveObjectWriter eve_;
};

}  // namespace mamori
