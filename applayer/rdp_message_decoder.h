#pragma once
// RdpMessageDecoder: one TPKT packet (RFC 1006: version 3, a reserved byte, a big-endian length
// counting the header) of an RDP connection's start into an RdpMessage. X.224 (ITU-T X.224
// class 0) connection request (0xE0) and confirm (0xD0) carry the cookie and the negotiation
// structures (MS-RDPBCGR 2.2.1.1, 2.2.1.2); an X.224 data TPDU (0xF0) carries MCS (T.125)
// BER: the Connect-Initial ([APPLICATION 101]) whose user data is the GCC conference create
// request (T.124, PER) with the client data blocks, read here by their headers (type, length)
// within the blocks' own bounds; and the Connect-Response ([APPLICATION 102]). Every length is
// checked against what holds it; a packet that is none of these is Kind::Other.
#include <cstddef>
#include <cstdint>

#include "applayer/rdp_message.h"

namespace mamori {

class RdpMessageDecoder {
 public:
  static constexpr size_t kTpktHeader = 4;
  static constexpr uint8_t kTpktVersion = 3;

  // The TPKT packet's whole length from its header (at least kTpktHeader bytes); 0 when the
  // header is not TPKT's or its length cannot hold the header and an X.224 length indicator.
  static size_t tpktLength(const uint8_t* data, size_t len);
  // False when the packet's X.224 or what it carries is malformed.
  static bool decode(const uint8_t* packet, size_t len, RdpMessage& out);
};

}  // namespace mamori
