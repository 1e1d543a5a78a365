#pragma once
// HTTP/2's registered numbers (RFC 9113 sections 6, 6.5.2 and 7) by the names Suricata gives
// them in rules (http2.frametype, http2.errorcode, http2.settings). Shared by the rule
// language (rules/protocol_buffers.h) and the parser that records them (Http2Parser).
#include "applayer/number_name_of.h"

namespace mamori {

inline constexpr ProtocolNumberName kHttp2FrameTypeNames[] = {
    {"DATA", 0},   {"HEADERS", 1}, {"PRIORITY", 2}, {"RST_STREAM", 3},    {"SETTINGS", 4},
    {"PUSH_PROMISE", 5}, {"PING", 6}, {"GOAWAY", 7}, {"WINDOW_UPDATE", 8}, {"CONTINUATION", 9},
};

inline constexpr ProtocolNumberName kHttp2ErrorCodeNames[] = {
    {"NO_ERROR", 0},           {"PROTOCOL_ERROR", 1},    {"INTERNAL_ERROR", 2},      {"FLOW_CONTROL_ERROR", 3},
    {"SETTINGS_TIMEOUT", 4},   {"STREAM_CLOSED", 5},     {"FRAME_SIZE_ERROR", 6},    {"REFUSED_STREAM", 7},
    {"CANCEL", 8},             {"COMPRESSION_ERROR", 9}, {"CONNECT_ERROR", 10},      {"ENHANCE_YOUR_CALM", 11},
    {"INADEQUATE_SECURITY", 12}, {"HTTP_1_1_REQUIRED", 13},
};

inline constexpr ProtocolNumberName kHttp2SettingNames[] = {
    {"SETTINGS_HEADER_TABLE_SIZE", 1},    {"SETTINGS_ENABLE_PUSH", 2},   {"SETTINGS_MAX_CONCURRENT_STREAMS", 3},
    {"SETTINGS_INITIAL_WINDOW_SIZE", 4},  {"SETTINGS_MAX_FRAME_SIZE", 5}, {"SETTINGS_MAX_HEADER_LIST_SIZE", 6},
};

}  // namespace mamori
