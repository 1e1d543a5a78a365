#pragma once
// SensorRegistry: what the central knows of each sensor on its allowlist, for its own
// decisions (where a sensor's link is, which records of its stream it holds) and for
// /metrics and `rules status`, which read snapshots from other threads.
//
// Connected means linked (HELLO accepted) and heard from within `silence`: a sensor pings
// every second when idle, so one that went quiet longer is gone or cut off.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alerting/event_output.h"
#include "capture/packet.h"

namespace mamori {

struct SensorState {
  std::string name;
  std::string fingerprint;  // of its allowlisted key
  bool linked = false;
  std::string routing_id;   // the ROUTER's id of its link, while linked
  std::string address;      // the peer address of its link
  std::string stream;       // its spool's stream id
  uint64_t last_seq = 0;    // stored up to here (also before a checkpoint is committed)
  int64_t last_heard_us = 0;   // wall time
  TimeUs last_record_ts = 0;   // packet time of the newest record
  double lag_seconds = 0;      // arrival wall time minus record time, newest record
  std::string rules_version;   // what it runs ("" for its own files)
  std::string last_rules_result;  // "ok VERSION", "refused VERSION"
  std::map<EventKind, uint64_t> records;
  uint64_t duplicates = 0;        // records it resent that were already stored
  uint64_t refused_records = 0;   // records that were not valid EVE or named another host
  uint64_t links = 0;             // HELLOs accepted
  bool connected(int64_t now_us, std::chrono::milliseconds silence) const {
    return linked && now_us - last_heard_us <= silence.count() * 1000;
  }
};

class SensorRegistry {
 public:
  explicit SensorRegistry(std::chrono::milliseconds silence) : silence_(silence) {}

  // A sensor on the allowlist; registered once at start-up.
  void add(const std::string& name, const std::string& fingerprint);

  // Runs `f(SensorState&)` under the lock; false when the sensor is unknown.
  template <typename F>
  bool update(const std::string& name, F&& f) {
    std::lock_guard lock(mutex_);
    auto it = sensors_.find(name);
    if (it == sensors_.end()) return false;
    f(it->second);
    return true;
  }
  // The sensor linked under `routing_id`, if any.
  std::optional<std::string> byRoutingId(const std::string& routing_id) const;
  std::vector<SensorState> snapshot() const;  // by name
  std::vector<std::string> connected(int64_t now_us) const;
  std::chrono::milliseconds silence() const { return silence_; }

  // Links `name` under `routing_id` (dropping any previous link of the same sensor).
  void link(const std::string& name, const std::string& routing_id, const std::string& address, int64_t now_us);
  void unlink(const std::string& name);

  static int64_t nowUs();  // wall time, microseconds since the epoch

 private:
  std::chrono::milliseconds silence_;
  mutable std::mutex mutex_;
  std::map<std::string, SensorState> sensors_;
  std::map<std::string, std::string> by_routing_id_;  // kept in step with SensorState::routing_id
};

}  // namespace mamori
