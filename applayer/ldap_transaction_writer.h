#pragma once
// LdapTransactionWriter: decoded LDAP messages (LdapMessage) as the records detection and EVE
// take (ProtocolTransaction): a request's fields when it arrives, then its transaction's
// responses gathered in an LdapOpenTransaction and written, with the request, as Suricata's
// EVE `ldap` object ({request: {message_id, operation, <operation>: {...}}, responses: [...]}).
// Numbers with a name (operations, result codes) are written by it, others in decimal.
#include <cstdint>
#include <string>

#include "applayer/eve_object_writer.h"
#include "capture/direction.h"
#include "applayer/ldap_message.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

// One transaction still waiting for its last response.
struct LdapOpenTransaction {
  uint32_t message_id = 0;
  uint64_t tx_id = 0;
  std::string request_eve;    // the request's EVE object; empty when no request was seen
  ProtocolTransaction fields;  // the responses' fields so far
  std::string responses_eve;  // the responses' EVE objects so far, comma-separated
  uint32_t count = 0;         // responses, kept or not
  Direction request_dir = Direction::ToServer;  // the side that asked (a response's is the other)
  bool starttls = false;      // the request asks for StartTLS

  void clear() {
    request_eve.clear();
    fields.clear();
    responses_eve.clear();
    count = 0;
    starttls = false;
  }
  size_t held() const { return fields.bytes.size() + fields.fields.size() * sizeof(ProtocolField) + responses_eve.size(); }
};

class LdapTransactionWriter {
 public:
  // The request's own record (`out`, inspected at once; logged only if no response will
  // answer it) and its EVE object kept for the transaction in `open`.
  void request(const LdapMessage& m, LdapOpenTransaction& open, ProtocolTransaction& out);
  // A response's fields and EVE object into `open`, unless it holds kMaxHeld bytes already
  // (then only counted).
  void response(const LdapMessage& m, LdapOpenTransaction& open, size_t most);
  // The transaction's record: its responses' fields and count, the whole EVE object.
  void finish(const LdapOpenTransaction& open, ProtocolTransaction& out);

 private:
  // {message_id, operation, <operation>: {...}} of one message, into `into`.
  void message(const LdapMessage& m, std::string& into);
  void attributes(const LdapMessage& m, const char* key, const char* wrapper, const char* member);

  EveObjectWriter eve_;
  std::string scratch_;
};

}  // namespace mamori
