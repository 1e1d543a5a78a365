#pragma once
// SnmpMessageDecoder: an SNMP datagram (v1, v2c or v3) from its BER (X.690, with
// DerReader: definite lengths, one-byte tags) into an SnmpMessage. The message's structure has
// a fixed depth, each level walked by code of its own (no recursion follows the data); every
// length is checked against what holds it; a field missing where the RFCs make it mandatory,
// a PDU tag outside [0] to [8] or a version other than 0, 1 and 3 makes the message malformed.
// Variable values are skipped (only their names are logged). Also the OID text Suricata logs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "applayer/snmp_message.h"

namespace mamori {

class SnmpMessageDecoder {
 public:
  static bool decode(const uint8_t* data, size_t len, SnmpMessage& out);
  // A SEQUENCE whose version is SNMP's followed by a community (v1, v2c) or a header
  // SEQUENCE (v3), as Suricata's probe checks the envelope.
  static bool looksLikeSnmp(const uint8_t* data, size_t len);
  // An OID's BER content octets as dotted decimal ("1.3.6.1.2.1.1.5.0") appended to `out`;
  // false (out unspecified) when an arc is cut short or does not fit 64 bits.
  static bool appendOid(std::string_view ber, std::string& out);
};

}  // namespace mamori
