#pragma once
// One table of every counter the pipeline keeps, read two ways: as Suricata-named
// stats for the EVE `stats` record (summed over workers), and as Prometheus samples
// (per worker where the split tells an operator something).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerting/bus_publisher.h"
#include "alerting/metrics_exporter.h"
#include "applayer/app_parsers.h"
#include "apps/rule_reloader.h"
#include "capture/packet_source.h"
#include "capture/worker.h"
#include "correlate/correlation_engine.h"
#include "correlate/incident_manager.h"
#include "detect/detect_counters.h"
#include "uplink/central_uplink.h"

namespace mamori {

struct PipelineTotals {
  std::vector<WorkerCounters> workers;
  std::vector<DetectCounters> detect;  // per worker, same order
  uint64_t packets_read = 0, bytes_read = 0;
  CaptureStats capture;
  uint64_t alerts = 0;
  uint64_t alerts_suppressed = 0;   // by thresholds / detection_filters, workers' and the output thread's
  uint64_t alerted_marks_lost = 0;  // OutputStage::alertedMarksLost
  std::vector<CorrelationRuleCounters> correlation_rules;  // by rule, in rule-set order
  uint64_t correlation_groups = 0;                         // groups the engine tracks now
  uint64_t correlation_bytes = 0;                          // the groups' estimate, against correlate.memcap
  uint64_t correlation_memcap_hits = 0;                    // groups and events given up for it
  IncidentManagerCounters incidents;
  uint64_t incidents_open_now = 0;                         // including those restored from the store
  uint64_t store_failed_saves = 0, store_pruned = 0;       // the incident store's, when there is one
  // The workers' queues to the output thread, all workers.
  struct OutputQueue {
    uint64_t dropped = 0;  // a live interface's records over output.max-queued-records
    uint64_t records = 0;  // in flight now
    uint64_t peak = 0;     // the most one worker had in flight
  } output_queue;
  uint64_t bus_sent = 0;
  std::optional<CentralUplinkCounters> central;  // with a central link
  BusPublisher::Refused bus_refused;  // subscribers turned away or cut off
  RuleReloader::Status rules;
  // The app layer, summed over the workers; empty / zero when it is off.
  std::map<std::string, uint64_t> app_flows;  // ended flows by app_proto; "unknown" for none
  uint64_t app_flows_guessed = 0;             // of the unknown: nDPI only guessed (port, address)
  uint64_t app_flows_identifying = 0;         // holding nDPI state now
  uint64_t app_flows_cut = 0;                 // identification given up early to make room (app-layer.memcap)
  AppParserCounters parsers;
  // The workers' app-layer memory (app-layer.memcap).
  struct AppMemoryTotals {
    uint64_t refused = 0;  // nDPI states, parsers and buffers it had no room for
    uint64_t bytes = 0;    // in use now, all workers
    uint64_t peak = 0;     // the most one worker has used
  } app_memory;
};

std::vector<std::pair<std::string, uint64_t>> statsCounters(const PipelineTotals& t);
std::vector<MetricSample> metricSamples(const PipelineTotals& t);

}  // namespace mamori
