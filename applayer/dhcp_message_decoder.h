#pragma once
// DhcpMessageDecoder: a DHCPv4 datagram (RFC 2131) into a DhcpMessage. The BOOTP header is
// fixed (236 bytes, then the magic cookie 99.130.83.99); the options follow it and, when the
// overload option (52) says so, fill the header's file and sname fields too, walked in that
// order (RFC 2131 section 4.1). Each area is walked once, byte by byte forward, so the walk is
// bounded by the datagram whatever its options say; overload is honoured only from the
// options field itself.
#include <cstddef>
#include <cstdint>

#include "applayer/dhcp_message.h"

namespace mamori {

class DhcpMessageDecoder {
 public:
  static constexpr size_t kHeaderBytes = 236;
  static constexpr size_t kMinimumBytes = kHeaderBytes + 4;  // with the magic cookie

  // False (and `out` unspecified) when the datagram has no whole header and cookie.
  static bool decode(const uint8_t* data, size_t len, DhcpMessage& out);
  // A BOOTP request or reply carrying the DHCP magic cookie.
  static bool looksLikeDhcp(const uint8_t* data, size_t len);
};

}  // namespace mamori
