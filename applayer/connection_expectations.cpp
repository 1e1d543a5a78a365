#include "applayer/connection_expectations.h"

#include <algorithm>
#include <cstring>

namespace mamori {

bool ConnectionExpectations::add(const IpAddress& client, const IpAddress& server, uint16_t server_port,
                                 size_t protocol, std::string_view context, TimeUs now) {
  if (live_ == entries_.size()) expire(now);
  auto slot = std::find_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.used; });
  if (slot == entries_.end()) {
    ++counters_.refused;
    return false;
  }
  slot->used = true;
  slot->client = client;
  slot->server = server;
  slot->server_port = server_port;
  slot->protocol = protocol;
  slot->expires = now + kLifetime;
  slot->context_len = std::min(context.size(), kMaxContext);
  std::memcpy(slot->context.data(), context.data(), slot->context_len);
  ++live_;
  ++counters_.created;
  return true;
}

std::optional<ConnectionExpectations::Match> ConnectionExpectations::take(const Flow& flow, TimeUs now) {
  if (live_ == 0) return std::nullopt;
  expire(now);
  for (Entry& e : entries_) {
    if (!e.used || e.server_port != flow.server_port) continue;
    const bool same = e.client == flow.client_ip && e.server == flow.server_ip;
    const bool turned = e.client == flow.server_ip && e.server == flow.client_ip;
    if (!same && !turned) continue;
    e.used = false;
    --live_;
    ++counters_.matched;
    std::memcpy(taken_.data(), e.context.data(), e.context_len);
    return Match{e.protocol, same, std::string_view(taken_.data(), e.context_len)};
  }
  return std::nullopt;
}

void ConnectionExpectations::expire(TimeUs now) {
  for (Entry& e : entries_) {
    if (!e.used || e.expires > now) continue;
    e.used = false;
    --live_;
    ++counters_.expired;
  }
}

}  // namespace mamori
