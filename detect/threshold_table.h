#pragma once
// threshold / detection_filter counters of one worker: a bounded open-addressing table
// keyed by (rule, tracked addresses), made once; when a probe run is full the entry
// whose window started longest ago is reused, so memory never grows with traffic.
// detection_filter unique_on counts the distinct ports of a window through a second
// bounded table of (entry, port) sightings; a sighting pushed out of it by others is
// counted again when it recurs, so under pressure a port may count twice, never less.
//
// Counts are per worker. Workers are chosen by address pair, so by_both counts are
// exact, and so are by_flow counts; by_src / by_dst / by_rule see only the share of traffic one worker gets, and
// a host talking to many peers may reach a limit later than in Suricata.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "capture/ip_address.h"
#include "capture/packet.h"
#include "rules/rule.h"

namespace mamori {

class ThresholdTable {
 public:
  explicit ThresholdTable(size_t capacity);

  // Counts one match of a rule; true when it may alert. `key_id` tells a rule's
  // threshold and detection_filter apart.
  bool allow(const Threshold& t, bool detection_filter, uint32_t key_id, const DecodedPacket& pkt, uint64_t flow_id);

 private:
  struct Entry {
    IpAddress a, b;
    uint64_t flow_id = 0;  // by_flow only
    uint32_t key_id = 0;
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
