#pragma once
// CentralUplink: the sensor's link to the GSOC central. An EventOutput: the pipeline's
// output thread hands it every record it writes, and the kinds the configuration selects
// (central.records) go to the central, in order, exactly once in the central's store.
//
// Nothing on the sensor ever waits for the central. publish() only appends to the on-disk
// Spool (a buffered write, no network); a thread of the uplink's own reads the spool and
// sends batches over a CURVE-authenticated DEALER socket, with at most a window of
// unacknowledged records in flight. The central acknowledges what it has stored; the
// spool then deletes it. While the central is unreachable or slow, records wait in the
// spool (bounded by central.spool-max: a full spool drops new records, counted); after a
// reconnect the central says which record it holds last, and the uplink replays from the
// next one, then live records follow. Records carry the spool's sequence numbers, so a
// record resent after a lost acknowledgement is recognised and dropped by the central.
//
// The link also brings pushed rule sets: a RULESET from the central (whose key is pinned:
// the CURVE handshake fails for any other server) goes to the RuleSetHandler, and the
// outcome comes back through reportRuleSet() and is sent to the central.
//
// Liveness: the uplink sends PING when idle and expects an answer to anything within
// `silence`; otherwise it treats the link as lost and introduces itself again (HELLO),
// which also follows a central's restart.
//
// Threads: publish() and flush() on the output thread; reportRuleSet(), counters() and
// drain() from any thread; the handler runs on the uplink's thread and must not block.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "alerting/event_output.h"
#include "auth/curve_key.h"
#include "uplink/rule_set_package.h"
#include "uplink/spool.h"

namespace mamori {

struct CentralUplinkOptions {
  std::string endpoint;    // the central's, e.g. tcp://central.gsoc:7770
  std::string server_key;  // the central's public key (Z85): the only server the link accepts
  CurveKeyPair key;        // the sensor's own
  std::string sensor;      // sensor.name; must match the name the central's allowlist gives the key
  SpoolOptions spool;
  std::set<EventKind> records = {EventKind::Alert, EventKind::Incident, EventKind::Stats};
  std::string rules_version;  // the pushed rule set the sensor starts with ("" for its own files)
  size_t batch_records = 512;
  size_t batch_bytes = size_t{1} << 20;
  size_t window_records = 16384;  // sent, not yet acknowledged
  std::chrono::milliseconds ping{1000};
  std::chrono::milliseconds silence{5000};
};

// How a pushed rule set went on this sensor.
struct RuleSetReport {
  std::string version;
  bool ok = false;
  uint64_t rules_loaded = 0;
  double build_seconds = 0;
  std::vector<std::string> errors;
};

struct CentralUplinkCounters {
  uint64_t sent = 0;       // records sent as they came (the link was up and keeping pace)
  uint64_t spooled = 0;    // records that had to wait on disk: the link was down or behind
  uint64_t replayed = 0;   // records sent from the backlog after a (re)connect, resends included
  uint64_t dropped = 0;    // records lost: the spool was full, or a record too large to send
  uint64_t acknowledged = 0;  // the last sequence number the central holds
  uint64_t spool_bytes = 0;
  uint64_t connects = 0;   // links established (WELCOME)
  uint64_t refusals = 0;   // REFUSED by the central
  uint64_t rule_sets = 0;  // rule sets received
  bool connected = false;
};

class CentralUplink final : public EventOutput {
 public:
  using RuleSetHandler = std::function<void(RuleSetPackage)>;

  // Opens the spool (SpoolError). Records are spooled from now on; nothing is sent before
  // start().
  CentralUplink(CentralUplinkOptions options, RuleSetHandler handler);
  ~CentralUplink() override;  // stop()

  // Starts the link thread; connecting is its business, so a central that is down does
  // not keep the sensor from starting. The handler may be called from now on.
  void start();
  // Stops the link thread (the handler is not called after it returns); what the central
  // has not acknowledged stays in the spool for the next start. Idempotent.
  void stop();
  CentralUplink(const CentralUplink&) = delete;
  CentralUplink& operator=(const CentralUplink&) = delete;

  void publish(EventKind kind, const std::string& json) override;
  void flush() override;

  void reportRuleSet(RuleSetReport report);
  // Waits until the central holds every record published so far (call flush() first), or
  // `timeout` passes; true when it does.
  bool drain(std::chrono::milliseconds timeout);
  CentralUplinkCounters counters() const;
  const std::string& streamId() const { return spool_.streamId(); }

 private:
  void run();
  void spoolFailed(const SpoolError& e);  // output thread

  CentralUplinkOptions options_;
  RuleSetHandler handler_;
  Spool spool_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> sent_{0}, spooled_{0}, replayed_{0}, acknowledged_{0};
  std::atomic<uint64_t> dropped_{0};  // records too large to send; the spool counts its own drops
  std::atomic<uint64_t> connects_{0}, refusals_{0}, rule_sets_{0};
  std::chrono::steady_clock::time_point last_spool_error_{};  // output thread
  std::mutex reports_mutex_;
  std::vector<RuleSetReport> reports_;
  std::thread thread_;
};

}  // namespace mamori
