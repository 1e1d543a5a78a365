#pragma once
// Krb5MessageDecoder: one Kerberos 5 message (a UDP datagram, or one TCP record without its
// marker) from its DER (X.690) into a Krb5Message: AS-REQ / TGS-REQ (KDC-REQ), AS-REP /
// TGS-REP (KDC-REP), KRB-ERROR, and AP-REQ, AP-REP, KRB-SAFE, KRB-PRIV, KRB-CRED by their type only. Each structure is
// walked by a function of its own at a fixed depth (no recursion follows the data), every
// length is checked against what holds it, and a field that is absent where RFC 4120 makes
// it mandatory makes the message malformed, so a mangled message is refused whole rather
// than half reported.
#include <cstddef>
#include <cstdint>

#include "applayer/krb5_message.h"

namespace mamori {

class Krb5MessageDecoder {
 public:
  // false: not a whole, well-formed Kerberos 5 message of a type above.
  static bool decode(const uint8_t* data, size_t len, Krb5Message& out);

  enum class Looks : uint8_t { Krb5, NotKrb5, TooShort };
  // Whether `data` starts like a Kerberos 5 message: an APPLICATION tag of a message type,
  // a SEQUENCE, and pvno or tkt-vno 5 as its first element (as Suricata's probe looks).
  static Looks looksLikeKrb5(const uint8_t* data, size_t len);
};

}  // namespace mamori
