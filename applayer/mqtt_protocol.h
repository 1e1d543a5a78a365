#pragma once
// MqttProtocol: MQTT 3.1, 3.1.1 and 5.0 (TCP port 1883) as an app-layer plug-in. Packets are
// framed by their remaining length and decoded (applayer/mqtt_message_decoder.h) in the
// session's version, and grouped into transactions as Suricata groups them: a CONNECT and its
// CONNACK, a PUBLISH at QoS 1 or 2 and its acknowledgements (by message id), a SUBSCRIBE or
// UNSUBSCRIBE and its acknowledgement; every other packet (a PUBLISH at QoS 0, PINGREQ,
// DISCONNECT, ...) is a transaction of its own. Each packet is inspected as it comes, with its
// own fields (applayer/mqtt_message_writer.h); the EVE `mqtt` record of a transaction is
// written when it completes (or the flow ends), with all its packets.
//
// Events as Suricata raises them: an acknowledgement with nothing to acknowledge
// (missing_connect, missing_publish, missing_subscribe, missing_unsubscribe), a second
// CONNECT (double_connect), a packet before the session's CONNACK (unintroduced_message), a
// QoS of 3 (invalid_qos_level), type 0 (unassigned_msg_type), more transactions open than kept
// (too_many_transactions: the oldest is written as it is), and bytes that are not MQTT
// (malformed_traffic: the direction is parsed no further).
//
// Bounds: a packet whose remaining length passes `max_message` (Suricata's max-msg-length,
// 1 MiB by default) is not decoded: its header is reported (truncated, skipped_length) and its
// bytes are stepped over unread. At most kMaxOpen transactions wait for acknowledgements.
// Its probe, a fixed header, is tried only on port 1883 (probesUsualPortsOnly); nDPI's
// verdict names the flow anywhere.
#include <cstddef>
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class MqttProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxOpen = 64;
  static constexpr size_t kDefaultMaxMessage = 1024 * 1024;

  explicit MqttProtocol(size_t max_message = kDefaultMaxMessage) : max_message_(max_message) {}

  std::string_view name() const override { return "mqtt"; }
  uint8_t transports() const override { return kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 1883; }
  bool probesUsualPortsOnly() const override { return true; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;

 private:
  size_t max_message_;
};

}  // namespace mamori
