#pragma once
// The sticky buffers of the app-layer protocol plug-ins (applayer/app_protocol.h), for the
// rule language: each keyword, the protocol (app_proto) whose records carry it and the side
// of a transaction it is on, as Suricata registers it. A plug-in puts a field named by the
// keyword in its records (ProtocolTransaction); detection matches the two by name. Their
// AppBufferIds follow the built-in ones (AppBufferId::Count + the row's index), so adding a
// protocol adds rows here and touches no switch. Multi-buffers (a header that may repeat)
// need nothing more: every instance is inspected, a rule matches if any does.
#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

struct ProtocolBuffer {
  std::string_view keyword;
  std::string_view protocol;
  BufferDirection direction;
};

inline constexpr ProtocolBuffer kProtocolBuffers[] = {
    // SIP (applayer/sip_protocol.h); header buffers are both sides' and take the compact
    // header forms too.
    {"sip.method", "sip", BufferDirection::Request},
    {"sip.uri", "sip", BufferDirection::Request},
    {"sip.request_line", "sip", BufferDirection::Request},
    {"sip.stat_code", "sip", BufferDirection::Response},
    {"sip.stat_msg", "sip", BufferDirection::Response},
    {"sip.response_line", "sip", BufferDirection::Response},
    {"sip.protocol", "sip", BufferDirection::Either},
    {"sip.from", "sip", BufferDirection::Either},
    {"sip.to", "sip", BufferDirection::Either},
    {"sip.via", "sip", BufferDirection::Either},
    {"sip.user_agent", "sip", BufferDirection::Either},
    {"sip.content_type", "sip", BufferDirection::Either},
    {"sip.content_length", "sip", BufferDirection::Either},
};

inline constexpr size_t kProtocolBufferCount = std::size(kProtocolBuffers);
// Every AppBufferId, built-in and plug-in: the size of tables indexed by one.
inline constexpr size_t kAppBufferIdCount = kAppBufferCount + kProtocolBufferCount;
static_assert(kAppBufferIdCount <= 256, "AppBufferId is one byte");

// The row of a plug-in buffer; null for a built-in one.
inline const ProtocolBuffer* protocolBufferOf(AppBufferId id) {
  const size_t i = static_cast<size_t>(id);
  return i >= kAppBufferCount && i < kAppBufferIdCount ? &kProtocolBuffers[i - kAppBufferCount] : nullptr;
}

// The plug-in buffer a keyword names; nullopt for any other name.
inline std::optional<AppBufferId> protocolBufferNamed(std::string_view keyword) {
  for (size_t i = 0; i < kProtocolBufferCount; ++i) {
    if (kProtocolBuffers[i].keyword == keyword) return static_cast<AppBufferId>(kAppBufferCount + i);
  }
  return std::nullopt;
}

}  // namespace mamori
