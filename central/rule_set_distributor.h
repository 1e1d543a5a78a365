#pragma once
// RuleSetDistributor: the central's side of rule push. A rule author's PUSH is checked by
// building it exactly as a sensor would (compileRuleSet, on a thread of its own so that
// ingest goes on during a long compile); a set with any failing rule is refused with every
// error, and nothing reaches a sensor. An accepted set gets the next version, is kept in
// the store, becomes the current set, and goes to every connected sensor and to each
// sensor that links later while it runs another version (unless it already refused this
// one). Each sensor's outcome is stored in the audit trail and relayed to the author while
// the author's `rules push` waits. ROLLBACK re-sends a kept version as a new push.
//
// Single-threaded apart from the compile thread: every call comes from the central's
// main loop, which also calls poll() to finish compiled pushes.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "central/central_options.h"
#include "central/central_store.h"
#include "central/sensor_registry.h"
#include "uplink/link_protocol.h"
#include "uplink/rule_set_package.h"

namespace mamori {

struct RuleSetDistributorCounters {
  uint64_t accepted = 0;  // pushes and rollbacks sent to sensors
  uint64_t refused_rules = 0;      // sets that failed to build at the central
  uint64_t refused_malformed = 0;  // requests that were not well-formed
  uint64_t refused_unknown = 0;    // rollbacks to a version not kept
  uint64_t sensor_ok = 0, sensor_refused = 0;  // outcomes sensors reported
};

class RuleSetDistributor {
 public:
  // Sends a message to the peer with the ROUTER id; false when it cannot be delivered.
  using Send = std::function<bool(const std::string& routing_id, link::Frames& message)>;

  RuleSetDistributor(const CentralOptions& options, CentralStore& store, SensorRegistry& sensors, Send send);
  ~RuleSetDistributor();
  RuleSetDistributor(const RuleSetDistributor&) = delete;
  RuleSetDistributor& operator=(const RuleSetDistributor&) = delete;

  // Requests of the author `author` (its allowlist name), arriving on `routing_id`.
  void onPush(const std::string& routing_id, const std::string& author, const link::Frames& message);
  void onRollback(const std::string& routing_id, const std::string& author, const rapidjson::Document& body);
  void onStatus(const std::string& routing_id);
  // A sensor's RULE_RESULT.
  void onResult(const std::string& sensor, const rapidjson::Document& body);
  // `sensor` linked, running `version`.
  void onLinked(const std::string& sensor, const std::string& version);
  // Finishes pushes whose compile is done.
  void poll();

  const std::string& current() const { return current_; }
  uint64_t currentSequence() const { return RuleSetPackage::versionSequence(current_); }
  RuleSetDistributorCounters counters() const;  // thread-safe

 private:
  struct Job {
    std::string routing_id, author;
    RuleSetPackage package;
    bool ok = false;
    std::vector<std::string> errors;
    uint64_t rules = 0;
    double seconds = 0;
  };
  struct Waiting {  // an author's `rules push` waiting for the sensors' outcomes
    std::string routing_id;
    std::string version;
    int64_t since_us = 0;
  };

  void compileLoop();
  void finish(Job& job);
  // Makes `package` current and sends it to every connected sensor; answers the author.
  void distribute(const std::string& routing_id, const std::string& author, const std::string& kind,
                  const RuleSetPackage& package);
  bool sendRuleSet(const std::string& sensor, const RuleSetPackage& package);
  void refuse(const std::string& routing_id, const std::vector<std::string>& errors);
  std::string fingerprintOf(const std::string& author) const;

  const CentralOptions& options_;
  CentralStore& store_;
  SensorRegistry& sensors_;
  Send send_;
  std::string current_;
  std::optional<RuleSetPackage> current_package_;
  std::map<uint64_t, Waiting> waiting_;  // by push id

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queued_, done_;
  bool stop_ = false;
  std::thread compiler_;

  std::atomic<uint64_t> accepted_{0}, refused_rules_{0}, refused_malformed_{0}, refused_unknown_{0};
  std::atomic<uint64_t> sensor_ok_{0}, sensor_refused_{0};
};

}  // namespace mamori
