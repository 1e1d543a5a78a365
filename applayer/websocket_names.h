#pragma once
// The names Suricata 8 gives WebSocket opcodes (RFC 6455 section 5.2), as its EVE
// `websocket` records write them and websocket.opcode takes them in rules. Shared by the rule
// language (rules/protocol_buffers.h) and the EVE writer.
#include <cstdint>
#include <string_view>

#include "applayer/number_name_of.h"

namespace mamori {

inline constexpr ProtocolNumberName kWebsocketOpcodeNames[] = {
    {"continuation", 0}, {"text", 1}, {"binary", 2}, {"close", 8}, {"ping", 9}, {"pong", 10},
};

}  // namespace mamori
