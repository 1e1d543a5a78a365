#pragma once
// OutputStage: the pipeline's one output thread. Consumes every worker's events,
// merges them in packet-time order (using the engine's per-worker watermarks, so the
// result does not depend on how many workers there are), feeds alerts, flow and app
// records to the correlation engine, whose matches the incident manager turns into
// incidents, and formats each record once for every EventOutput. What it holds for the
// merge still counts against each worker's queue bound until it is handled.
//
// The correlation engine's and the incident manager's counters are single-threaded; the
// output thread copies them into atomics after each pass of its loop, so that the stats
// record and /metrics (read on other threads) see them at most one pass late.
//
// Thresholds and detection_filters that count by source, destination or rule are
// decided here, over every worker's matches in that merged order, so an alert's fate does
// not depend on which worker saw it or on how many there are (detect/rule_thresholds.h).
// A flow all of whose alerts were decided here learns it was alerted on when its record
// passes through.
//
// The correlation rules can be replaced while the pipeline runs (a rule set pushed by the
// central): between two passes the old engine hands over its held-back matches, a new
// engine takes the new rules, and the groups of the open incidents are resumed in it, as
// after a restart, so the stories in progress continue. Counters of rules that keep their
// name carry on.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alerting/eve_formatter.h"
#include "alerting/event_output.h"
#include "apps/worker_event_queue.h"
#include "capture/capture_engine.h"
#include "correlate/correlation_engine.h"
#include "correlate/incident_manager.h"
#include "detect/threshold_table.h"

namespace mamori {

class OutputStage final : private IncidentSink {
 public:
  struct SignatureTally {
    std::string msg;
    int severity = 3;
    uint64_t count = 0;
  };

  struct Correlation {
    CorrelationRuleSet rules;
    CorrelationEngineConfig engine;
    // Its sensor (sensor.name) is also every record's EVE `host`: records and incidents
    // name one sensor.
    IncidentManagerConfig incidents;
    IncidentSink* store = nullptr;      // also told of every incident change, when set
    std::vector<Incident> restored;     // open incidents a previous run left in the store
  };

  OutputStage(CaptureEngine& engine, std::vector<WorkerEventQueue*> queues, Correlation correlation,
              std::vector<EventOutput*> outputs);

  // Called on the output thread about every `interval_s` seconds of wall time while the run goes on.
  void every(double interval_s, std::function<void()> fn);

  // Returns when every worker is done and every event is out.
  void run();
  // Thread-safe: the output thread switches to `rules` before its next pass.
  void replaceCorrelation(CorrelationRuleSet rules);
  // Publishes a record made outside the merge (the stats record), on the caller's thread.
  void publish(EventKind kind, const std::string& json);
  EveFormatter& formatter() { return formatter_; }

  uint64_t alerts() const { return alerts_.load(std::memory_order_relaxed); }
  // Matches the thresholds decided here held back.
  uint64_t alertsSuppressed() const { return alerts_suppressed_.load(std::memory_order_relaxed); }
  // `alerted` marks pushed out by another flow's before their flow's record came by: more
  // flows with such alerts open at once than kAlertedMarks, or a record a full queue dropped.
  uint64_t alertedMarksLost() const { return alerted_marks_lost_.load(std::memory_order_relaxed); }
  uint64_t flows() const { return flows_.load(std::memory_order_relaxed); }
  // By correlation rule, in rule-set order.
  std::vector<CorrelationRuleCounters> correlationCounters() const;
  uint64_t correlationGroups() const { return groups_.load(std::memory_order_relaxed); }
  uint64_t correlationBytes() const { return correlation_bytes_.load(std::memory_order_relaxed); }
  uint64_t correlationMemcapHits() const { return correlation_memcap_hits_.load(std::memory_order_relaxed); }
  IncidentManagerCounters incidentCounters() const;
  uint64_t incidentsOpen() const { return open_incidents_.load(std::memory_order_relaxed); }
  // Read after run() returns.
  const std::map<std::pair<uint32_t, uint32_t>, SignatureTally>& alertsBySignature() const { return by_signature_; }
  // The run's first kListedIncidents incidents, latest state; unlistedIncidents() says
  // how many more there were.
  static constexpr size_t kListedIncidents = 1000;
  const std::map<uint64_t, Incident>& incidents() const { return incidents_; }
  uint64_t unlistedIncidents() const { return unlisted_incidents_; }

 private:
  void onIncident(const Incident& incident) override;
  void handle(PipelineEvent& e);
  // False when a threshold decided here holds the alert back.
  bool decideThresholds(const Alert& a);
  void markAlerted(uint64_t flow_id);
  bool releaseUpTo(TimeUs low);
  // Every worker has finished: what their flows' forced ends reported, in time order.
  void releaseEndOfInput();
  // Tells each worker's queue what this pass handled, so that its bound has room again.
  void giveBack();
  void publishCounters();
  void swapCorrelation();

  // One worker's drained events the merge has not handled yet, oldest first. A vector
  // that keeps its storage from pass to pass, so the merge allocates nothing per event.
  struct Pending {
    std::vector<PipelineEvent> events;
    size_t head = 0;  // events before it are handled
    bool empty() const { return head == events.size(); }
    size_t size() const { return events.size() - head; }
    PipelineEvent& front() { return events[head]; }
    void popFront();
    void append(std::vector<PipelineEvent>& drained);
  };

  CaptureEngine& engine_;
  std::vector<WorkerEventQueue*> queues_;
  std::vector<Pending> pending_;
  std::vector<std::vector<PipelineEvent>> drained_;  // per worker: swapped with its queue
  std::vector<std::vector<std::unique_ptr<AppRecord>>> written_;  // per worker, this pass: for reuse
  std::vector<size_t> handled_;  // per worker, this pass
  IncidentManager incident_manager_;
  CorrelationEngineConfig engine_config_;
  std::unique_ptr<CorrelationEngine> correlation_;
  std::mutex replacement_mutex_;
  std::optional<CorrelationRuleSet> replacement_;
  std::atomic<bool> replacement_ready_{false};
  IncidentSink* store_;
  std::vector<EventOutput*> outputs_;
  EveFormatter formatter_;
  std::vector<std::pair<double, std::function<void()>>> periodic_;

  struct RuleCounters {
    std::atomic<uint64_t> events{0}, matches{0}, evictions{0}, dropped_events{0};
  };
  struct ManagerCounters {
    std::atomic<uint64_t> matches{0}, opened{0}, restored{0}, updates{0}, closed{0}, evicted{0};
  };

  std::atomic<uint64_t> alerts_{0}, flows_{0}, alerts_suppressed_{0}, alerted_marks_lost_{0};
  // Made at the first alert that needs them.
  static constexpr size_t kThresholdEntries = 1 << 16;
  std::optional<ThresholdTable> thresholds_;
  // Flows that raised an alert decided here, until their record: direct-mapped by flow
  // id, so bounded; a mark pushed out by another flow is counted as lost.
  static constexpr size_t kAlertedMarks = 1 << 16;
  struct AlertedMark {
    uint64_t flow_id = 0;
    bool used = false;
  };
  std::vector<AlertedMark> alerted_marks_;
  // Guards the two below, which a rule replacement swaps while other threads read them.
  mutable std::mutex rule_counters_mutex_;
  std::vector<std::string> rule_names_;            // the correlation rules, in rule-set order
  std::unique_ptr<RuleCounters[]> rule_counters_;  // one per rule
  std::vector<CorrelationRuleCounters> carried_;   // per rule: what replaced engines counted for its name
  std::atomic<uint64_t> groups_{0}, open_incidents_{0}, correlation_bytes_{0}, correlation_memcap_hits_{0};
  uint64_t carried_memcap_hits_ = 0;  // what replaced engines gave up for correlate.memcap
  ManagerCounters manager_counters_;
  std::map<std::pair<uint32_t, uint32_t>, SignatureTally> by_signature_;  // (gid, sid)
  std::map<uint64_t, Incident> incidents_;                               // latest state by id
  uint64_t unlisted_incidents_ = 0, last_unlisted_ = 0;
};

}  // namespace mamori
