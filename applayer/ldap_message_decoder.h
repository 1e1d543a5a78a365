#pragma once
// LdapMessageDecoder: one LDAPMessage (a UDP datagram, or one whole BER element of a TCP
// stream) from its BER (X.690, definite lengths only, as RFC 4511 section 5.1 requires) into
// an LdapMessage. Each operation's structure is walked by code of its own at a fixed depth (no
// recursion follows the data; a search filter is passed over whole), every length is
// checked against what holds it, and a mandatory field that is absent makes the message
// malformed.
#include <cstddef>
#include <cstdint>

#include "applayer/app_protocol.h"
#include "applayer/ldap_message.h"

namespace mamori {

class LdapMessageDecoder {
 public:
  // false: not a whole, well-formed LDAPMessage of an operation RFC 4511 defines.
  static bool decode(const uint8_t* data, size_t len, LdapMessage& out);

  // The length of the BER element that starts `data` (its header included): 0 while the
  // header is not whole, SIZE_MAX when it cannot be an LDAPMessage's (not a SEQUENCE, an
  // indefinite length, longer than `most`).
  static size_t elementLength(const uint8_t* data, size_t len, size_t most);

  // Whether `data` starts like an LDAPMessage of at most `most` bytes: a SEQUENCE, its
  // messageID (an INTEGER of one to four octets) and an APPLICATION-tagged operation RFC 4511
  // defines, as Suricata's probe looks.
  static ProbeResult probe(const uint8_t* data, size_t len, size_t most);
};

}  // namespace mamori
