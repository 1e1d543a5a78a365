#pragma once
// The names Suricata gives MQTT control packet types (MQTT 3.1.1 section 2.2.1, 5.0 section
// 2.1.2): upper case as mqtt.type takes them in rules (lower case also taken), lower case as
// the keys of its EVE `mqtt` records. Shared by the rule language (rules/protocol_buffers.h)
// and the EVE writer.
#include <cstdint>
#include <string_view>

#include "applayer/number_name_of.h"

namespace mamori {

inline constexpr ProtocolNumberName kMqttTypeNames[] = {
    {"UNASSIGNED", 0}, {"CONNECT", 1},   {"CONNACK", 2},     {"PUBLISH", 3},   {"PUBACK", 4},   {"PUBREC", 5},
    {"PUBREL", 6},     {"PUBCOMP", 7},   {"SUBSCRIBE", 8},   {"SUBACK", 9},    {"UNSUBSCRIBE", 10},
    {"UNSUBACK", 11},  {"PINGREQ", 12},  {"PINGRESP", 13},   {"DISCONNECT", 14}, {"AUTH", 15},
};

inline constexpr ProtocolNumberName kMqttTypeKeys[] = {
    {"unassigned", 0}, {"connect", 1},   {"connack", 2},     {"publish", 3},   {"puback", 4},   {"pubrec", 5},
    {"pubrel", 6},     {"pubcomp", 7},   {"subscribe", 8},   {"suback", 9},    {"unsubscribe", 10},
    {"unsuback", 11},  {"pingreq", 12},  {"pingresp", 13},   {"disconnect", 14}, {"auth", 15},
};

}  // namespace mamori
