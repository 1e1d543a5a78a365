#pragma once
// threshold / detection_filter counters of one worker: a bounded open-addressing table
// keyed by (rule, tracked addresses), made once; when a probe run is full the entry
// whose window started longest ago is reused, so memory never grows with traffic.
// detection_filter unique_on counts the distinct ports of a window through a second
// bounded table of (entry, port) sightings; a sighting pushed out of it by others is
// counted again when it recurs, so under pressure a port may count twice, never less.
//
// One table per worker decides by_both and by_flow (workers are chosen by address pair,
// so those counts are exact there); the output thread's decides by_src / by_dst / by_rule
// over every worker's alerts, merged in packet-time order (RuleThresholds).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "capture/ip_address.h"
#include "capture/packet.h"
#include "detect/rule_thresholds.h"

namespace mamori {

// What a match is counted by: the packet that matched and its flow.
struct ThresholdSubject {
  IpAddress src, dst;
  uint16_t sport = 0, dport = 0;
  TimeUs ts = 0;
  uint64_t flow_id = 0;
};

class ThresholdTable {
 public:
  explicit ThresholdTable(size_t capacity);

  // Counts one match of a rule on its threshold and its detection_filter (both are
  // counted on every match, as Suricata does); true when it may alert.
  bool allow(const RuleThresholds& rule, const ThresholdSubject& match);

 private:
  bool allow(const Threshold& t, bool detection_filter, uint64_t rule_key, const ThresholdSubject& match);

  struct Entry {
    IpAddress a, b;
    uint64_t flow_id = 0;  // by_flow only
    uint64_t rule_key = 0;
    bool detection_filter = false;
    uint32_t count = 0;
    TimeUs window_start = 0;
    bool used = false;
  };
  // One port seen by one entry's window; `tag` hashes the entry's key and the port.
  struct Sighting {
    uint64_t tag = 0;
    TimeUs window_start = 0;
    bool used = false;
  };
  // True when the port was not seen before in this window of the entry; records it.
  bool firstSighting(uint64_t entry_hash, uint16_t port, TimeUs window_start);

  std::vector<Entry> entries_;
  std::vector<Sighting> sightings_;
};

}  // namespace mamori
