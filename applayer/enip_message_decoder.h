#pragma once
// EnipMessageDecoder: EtherNet/IP encapsulation PDUs (ODVA CIP volume 2, chapter 2) into
// EnipMessage, with their CIP message-router requests and responses (volume 1, chapter 2):
// service, the logical segments of the request path (class, instance, attribute, member,
// connection point; 8, 16 or 32-bit), the general and additional status of a response, a
// Get/Set Attribute List's attributes and a Multiple Service Packet's services (one level,
// as Suricata reads them). Little-endian throughout; every count and offset is checked
// against the bytes there are; nothing recurses past the one level.
//
// Where Suricata's parser refuses a path segment it does not know (symbolic tag names of
// Logix's Read/Write Tag services, port segments), this one skips the rest of the path
// (its size is given) and reads the message on: such requests are ordinary, not invalid.
#include <cstddef>
#include <cstdint>

#include "applayer/app_protocol.h"
#include "applayer/enip_message.h"

namespace mamori {

class EnipMessageDecoder {
 public:
  // The size of the PDU starting at `data` (header and its length field's bytes); 0 when
  // fewer than the header's 24 bytes are there.
  static size_t pduSize(const uint8_t* data, size_t len);
  // Whether the bytes start an EtherNet/IP PDU: a known command and status, and what the
  // command requires of its length (Suricata's probe).
  static ProbeResult probe(const uint8_t* data, size_t len);
  // Decodes one whole PDU (`len` at least its pduSize). False when there are not enough
  // bytes for it; a payload that does not parse sets `invalid`.
  static bool decode(const uint8_t* data, size_t len, EnipMessage& out);
};

}  // namespace mamori
