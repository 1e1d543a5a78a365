#pragma once
// SmtpTransaction: one mail as Suricata's SMTP parser makes a transaction of it: from the
// first command after the last mail ended (HELO/EHLO, MAIL FROM) to the end of its data
// (DATA's "." or BDAT's LAST chunk), or to RSET. Bounded: at most kMaxRecipients
// recipients are kept (the rest counted), each argument (HELO's, MAIL FROM's, RCPT TO's) cut at
// kMaxArgument bytes (RFC 5321 allows 256 for a path).
#include <cstdint>
#include <string>
#include <vector>

#include "applayer/app_layer_event.h"

namespace mamori {

struct SmtpTransaction {
  static constexpr size_t kMaxRecipients = 128;
  static constexpr size_t kMaxArgument = 512;

  uint64_t id = 0;
  std::string helo, mail_from;
  std::vector<std::string> rcpt_to;
  uint32_t recipients = 0;    // kept or not
  bool envelope_sent = false;  // its envelope went to detection as its data started
  bool data = false;           // DATA or BDAT started
  bool done = false;
  AppLayerEventSet events;

  void reset(uint64_t tx_id) {
    id = tx_id;
    helo.clear();
    mail_from.clear();
    rcpt_to.clear();
    recipients = 0;
    envelope_sent = data = done = false;
    events.reset();
  }
};

}  // namespace mamori
