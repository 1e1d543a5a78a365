#pragma once
// DhcpMessage: one DHCPv4 message (RFC 2131) as DhcpMessageDecoder reads it: the BOOTP header
// and the options Suricata logs (RFC 2132), each its first instance. Byte fields view the
// datagram, so a message is good only while its datagram is.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mamori {

using Ipv4Bytes = std::array<uint8_t, 4>;

struct DhcpMessage {
  static constexpr uint8_t kBootRequest = 1, kBootReply = 2;

  uint8_t op = 0;
  uint32_t xid = 0;
  Ipv4Bytes ciaddr{}, yiaddr{}, siaddr{}, giaddr{};
  std::string_view chaddr;  // the header's hardware address, its first hlen bytes (at most 16)

  std::optional<uint8_t> message_type;                          // option 53
  std::string_view client_id;                                   // option 61, after its type byte
  std::string_view hostname;                                    // option 12
  std::string_view params;                                      // option 55: requested option codes
  std::string_view vendor_class;                                // option 60
  std::string_view routers, dns_servers;                        // options 3 and 6: addresses back to back
  std::optional<Ipv4Bytes> subnet_mask, requested_ip;           // options 1 and 50
  std::optional<uint32_t> lease_time, renewal_time, rebinding_time;  // options 51, 58, 59

  // An option whose length its kind does not allow (a lease time not 4 bytes long, a client
  // identifier without its identifier, an overload value that is none of 1 to 3).
  bool malformed_options = false;
  // An option area that ends inside an option, or without the END option.
  bool truncated_options = false;
};

}  // namespace mamori
