#pragma once
// WebsocketProtocol: RFC 6455 WebSocket as an app-layer plug-in. A flow reaches it only by a
// protocol change: HTTP/1.1's 101 Switching Protocols with "Upgrade: websocket"
// (applayer/http_parser.h) hands the flow over, as Suricata does; it has no probe and no port
// of its own (a frame's first byte says too little to claim a flow).
//
// Every frame is a transaction of its own, as in Suricata 8: its unmasked payload
// (websocket.payload), opcode, flags (FIN, RSV1-3) and masking key, and an EVE `websocket`
// record (fin, mask, opcode). A data message sent in fragments is reassembled: the frame
// that ends it carries the whole message as its payload; control frames (ping, pong, close)
// that come between the fragments carry their own payload and are no part of the message.
//
// Bounds: a frame's payload is kept up to `max_payload` bytes (Suricata's
// websocket.max-payload-size, 64 KiB by default); the rest is skipped unread
// (websocket.skip_end_of_payload). A fragmented message is kept up to the same bound
// (websocket.reassembly_limit_reached past it). Both buffers are charged to the worker's
// AppMemory; a direction with no room, or with a gap (a frame boundary cannot be found
// again), is parsed no further, the former counted as malformed.
#include <cstddef>
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class WebsocketProtocol final : public AppProtocol {
 public:
  static constexpr size_t kDefaultMaxPayload = 0xffff;

  explicit WebsocketProtocol(size_t max_payload = kDefaultMaxPayload) : max_payload_(max_payload) {}

  std::string_view name() const override { return "websocket"; }
  uint8_t transports() const override { return kTcp; }
  ProbeResult probe(uint8_t, Direction, const uint8_t*, size_t) const override { return ProbeResult::NoMatch; }
  bool usualPort(uint16_t) const override { return false; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;

 private:
  size_t max_payload_;
};

}  // namespace mamori
