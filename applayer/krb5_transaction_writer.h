#pragma once
// Krb5TransactionWriter: a decoded Kerberos 5 message (Krb5Message) as the record detection
// and EVE take (ProtocolTransaction): the fields the krb5 rule keywords inspect
// (rules/protocol_buffers.h) and the EVE `krb5` object as Suricata writes it. Names are
// written as Suricata prints them: components joined by '/', "<empty>" when absent;
// numbers without a name as their decimal value.
#include <optional>

#include "applayer/eve_object_writer.h"
#include "applayer/krb5_message.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

class Krb5TransactionWriter {
 public:
  // `failed_request`: for an error, the type of the request it answers, when the flow saw it.
  void write(const Krb5Message& m, std::optional<Krb5MessageType> failed_request, ProtocolTransaction& out);

 private:
  void name(const char* key, const Krb5Name& n);

  EveObjectWriter eve_;
  std::string scratch_;
};

}  // namespace mamori
