#pragma once
// MqttMessage: one MQTT control packet (3.1, 3.1.1 and 5.0) as Suricata reads it: the fixed
// header (type, DUP, QoS, RETAIN, remaining length) and the fields of its variable header and
// payload that Suricata's keywords and EVE records use. Strings and binary data view the
// bytes it was decoded from (valid while they are); version 5's properties are stepped over.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mamori {

struct MqttMessage {
  enum Type : uint8_t {
    kUnassigned = 0, kConnect, kConnack, kPublish, kPuback, kPubrec, kPubrel, kPubcomp,
    kSubscribe, kSuback, kUnsubscribe, kUnsuback, kPingreq, kPingresp, kDisconnect, kAuth,
  };
  // A SUBSCRIBE keeps at most this many topics (and a SUBACK as many granted QoS): a packet
  // may name thousands in its bound.
  static constexpr size_t kMaxTopics = 256;

  uint8_t type = 0;
  uint8_t flags = 0;  // the first byte's low nibble: DUP, QoS, RETAIN
  uint32_t remaining_length = 0;
  // Past the configured bound: not decoded, only its header is known and `skipped` bytes (the
  // whole packet) are stepped over.
  bool truncated = false;
  uint64_t skipped = 0;

  bool dup() const { return (flags & 0x08) != 0; }
  uint8_t qos() const { return (flags >> 1) & 0x03; }
  bool retain() const { return (flags & 0x01) != 0; }

  // CONNECT.
  std::string_view protocol_string;
  uint8_t protocol_version = 0;
  uint8_t connect_flags = 0;
  std::string_view client_id;
  std::optional<std::string_view> will_topic, will_message, username, password;
  // CONNACK.
  bool session_present = false;
  // CONNACK's return code; a v5 acknowledgement's, DISCONNECT's or AUTH's reason code.
  std::optional<uint8_t> reason_code;
  // PUBLISH.
  std::string_view topic;
  std::string_view message;
  // PUBLISH at QoS 1 or 2, PUBACK to UNSUBACK.
  std::optional<uint16_t> message_id;
  // SUBSCRIBE's and UNSUBSCRIBE's topics; SUBSCRIBE's requested and SUBACK's granted QoS,
  // UNSUBACK's reason codes (v5).
  std::vector<std::string_view> topics;
  std::vector<uint8_t> codes;

  void clear();
};

}  // namespace mamori
