#pragma once
// ConnectionExpectations: the connections app-layer parsers announced (an FTP data channel
// after PASV or PORT, ExpectedConnection) and which plug-in is to parse each, for one
// worker. Workers are sharded by the outer address pair, so a connection between the
// announcing flow's two hosts comes to the same worker: the table is the worker's own, used
// on its thread only, without a lock.
//
// Bounded: at most kMaxEntries wait at once, each kLifetime from its announcement and with
// at most kMaxContext bytes of the announcer's context (cut beyond). When it is full, expired
// ones make room, else the new one is refused; created, matched, expired and refused are
// counted. Each entry's storage is fixed: announcing and matching allocate nothing.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "capture/flow.h"
#include "capture/ip_address.h"
#include "capture/packet.h"

namespace mamori {

struct ConnectionExpectationCounters {
  uint64_t created = 0, matched = 0, expired = 0, refused = 0;

  ConnectionExpectationCounters& operator+=(const ConnectionExpectationCounters& o) {
    created += o.created;
    matched += o.matched;
    expired += o.expired;
    refused += o.refused;
    return *this;
  }
};

class ConnectionExpectations {
 public:
  static constexpr size_t kMaxEntries = 64;
  static constexpr size_t kMaxContext = 512;
  static constexpr TimeUs kLifetime = 120 * 1000000LL;  // as long as a client may wait to connect

  struct Match {
    size_t protocol;           // the plug-in's index
    bool same_client;          // the new flow's client is the announcer's
    std::string_view context;  // valid until the next take()
  };

  // A connection between `client` and `server` (the announcing flow's) to `server_port`,
  // for plug-in `protocol`. False when refused (full).
  bool add(const IpAddress& client, const IpAddress& server, uint16_t server_port, size_t protocol,
           std::string_view context, TimeUs now);
  // The expectation `flow` (a new TCP flow) fulfils, taken out of the table.
  std::optional<Match> take(const Flow& flow, TimeUs now);
  bool empty() const { return live_ == 0; }
  const ConnectionExpectationCounters& counters() const { return counters_; }

 private:
  struct Entry {
    bool used = false;
    IpAddress client, server;
    uint16_t server_port = 0;
    size_t protocol = 0;
    TimeUs expires = 0;
    size_t context_len = 0;
    std::array<char, kMaxContext> context;
  };
  void expire(TimeUs now);

  std::array<Entry, kMaxEntries> entries_;
  size_t live_ = 0;
  std::array<char, kMaxContext> taken_;
  ConnectionExpectationCounters counters_;
};

}  // namespace mamori
