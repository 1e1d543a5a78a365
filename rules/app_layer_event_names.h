#pragma once
// Every app-layer event name Suricata's parsers raise, by protocol, as rules name them
// (`app-layer-event:tls.invalid_record_type;`), and its protocol detection events
// (`app-layer-event:applayer_mismatch_protocol_both_directions;`). `rules check` refuses a
// name that is not here, as Suricata refuses it; a known name of a protocol mamori does
// not parse loads, and its rule never matches (applayer/app_layer_event.h lists what the
// parsers raise).
#include <span>
#include <string_view>

namespace mamori {

struct AppLayerEventProtocol {
  std::string_view protocol;  // as in rule headers: "http", "tls", "bittorrent-dht", ...
  std::span<const std::string_view> names;  // lower-case
};

std::span<const AppLayerEventProtocol> appLayerEventProtocols();
// The protocol detection events (applayer_*), which belong to no protocol.
std::span<const std::string_view> appLayerDetectionEvents();

// Null when no protocol of that name has events.
const AppLayerEventProtocol* findAppLayerEventProtocol(std::string_view protocol);
bool isAppLayerEventName(std::string_view protocol, std::string_view name);
bool isAppLayerDetectionEvent(std::string_view name);

}  // namespace mamori
