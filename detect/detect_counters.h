#pragma once
#include <cstdint>

namespace mamori {

// Per-worker detection counters; the metrics stage sums them across workers.
struct DetectCounters {
  uint64_t packets_inspected = 0;
  uint64_t bytes_scanned = 0;  // payload bytes given to Hyperscan
  uint64_t candidates = 0;     // rules verified (prefilter hits plus unprefiltered rules)
  uint64_t alerts = 0;             // decided here: thresholds left to the receiver not counted
  uint64_t alerts_suppressed = 0;  // matches a threshold / detection_filter held back here
  uint64_t scan_errors = 0;    // Hyperscan failures; the packet is then verified without prefilter hits
  uint64_t flow_state_exhausted = 0;  // flows that found no flowbit/flowint/stream record free
  uint64_t dataset_refused = 0;  // dataset:set / unset changes past the worker's share of the set

  DetectCounters& operator+=(const DetectCounters& o) {
    packets_inspected += o.packets_inspected;
    bytes_scanned += o.bytes_scanned;
    candidates += o.candidates;
    alerts += o.alerts;
    alerts_suppressed += o.alerts_suppressed;
    scan_errors += o.scan_errors;
    flow_state_exhausted += o.flow_state_exhausted;
    dataset_refused += o.dataset_refused;
    return *this;
  }
};

}  // namespace mamori
