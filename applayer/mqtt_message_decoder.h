#pragma once
// MqttMessageDecoder: frames and decodes MQTT control packets (applayer/mqtt_message.h).
// The remaining length is a variable byte integer of at most 4 bytes (at most 268435455); a
// fifth continuation byte makes the bytes not MQTT. Which version's layout a packet has is
// the session's (a CONNECT's own version byte says for itself): 5 reads properties.
#include <cstddef>
#include <cstdint>

#include "applayer/app_protocol.h"
#include "applayer/mqtt_message.h"

namespace mamori {

class MqttMessageDecoder {
 public:
  enum class Framing : uint8_t { Complete, NeedMore, Invalid };

  // The packet at `data`: its header's size and the whole packet's size (header + remaining
  // length); NeedMore while the header is incomplete.
  static Framing frame(const uint8_t* data, size_t len, size_t& header_size, uint64_t& packet_size);
  // Decodes a whole packet of `size` bytes; false when its fields do not fit it.
  static bool decode(const uint8_t* data, size_t size, size_t header_size, uint8_t version, MqttMessage& out);
  // Suricata's probe: a fixed header of an assigned type and a QoS of at most 2.
  static ProbeResult probe(const uint8_t* data, size_t len);
};

}  // namespace mamori
