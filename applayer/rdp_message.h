#pragma once
// RdpMessage: one message of an RDP connection's start (MS-RDPBCGR section 1.3.1.1) as
// RdpMessageDecoder reads it from a TPKT (RFC 1006) packet: the X.224 connection request with
// its cookie and negotiation request, the connection confirm with the negotiation response or
// failure, the MCS Connect-Initial with the client's core data and channels (GCC conference
// create request), the MCS Connect-Response. Byte fields view the packet.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mamori {

struct RdpClientCore {
  uint32_t version = 0;
  uint16_t desktop_width = 0, desktop_height = 0;
  uint16_t color_depth = 0;                           // RNS_UD_COLOR_*
  std::optional<uint16_t> post_beta2_color_depth;     // optional fields, present when the block holds them
  std::optional<uint16_t> high_color_depth;
  std::optional<uint16_t> product_id;
  uint32_t keyboard_layout = 0;  // a Windows LCID
  uint32_t build = 0;
  std::string_view client_name;  // UTF-16LE, up to its first NUL
  uint32_t keyboard_type = 0;
  uint32_t function_keys = 0;
  std::string_view dig_product_id;  // UTF-16LE, up to its first NUL
};

struct RdpMessage {
  enum class Kind : uint8_t { ConnectionRequest, ConnectionConfirm, ConnectInitial, ConnectResponse, Other };
  // Negotiation protocols (RDP_NEG_REQ's requestedProtocols, RDP_NEG_RSP's selectedProtocol).
  static constexpr uint32_t kProtocolRdp = 0;
  static constexpr size_t kMaxChannels = 31;  // CS_NET's bound (MS-RDPBCGR 2.2.1.3.4)

  Kind kind = Kind::Other;
  // Connection request.
  std::string_view cookie;  // mstshash's value
  std::optional<uint32_t> requested_protocols;
  uint8_t request_flags = 0;
  // Connection confirm: a negotiation response's protocol and flags, or a failure's code.
  std::optional<uint32_t> selected_protocol;
  uint8_t response_flags = 0;
  std::optional<uint32_t> failure_code;
  // Connect-Initial.
  std::optional<RdpClientCore> client;
  std::array<std::string_view, kMaxChannels> channels{};
  size_t channel_count = 0;
};

}  // namespace mamori
