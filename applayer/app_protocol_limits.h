#pragma once
// AppProtocolLimits: the bounds of the protocol plug-ins that the configuration sets
// (app-layer.websocket.max-payload-size, app-layer.mqtt.max-msg-length), as Suricata's
// app-layer.protocols.<name> settings do.
#include <cstddef>

namespace mamori {

struct AppProtocolLimits {
  size_t websocket_max_payload = 0xffff;   // Suricata's default
  size_t mqtt_max_message = 1024 * 1024;   // Suricata's default max-msg-length
};

}  // namespace mamori
