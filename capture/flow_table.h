#pragma once
// FlowTable: one worker's flows. Consumes decoded packets, produces flow-end events.
// All memory is taken at construction (a fixed pool of Flow slots sized by the memory
// cap), so tracking a new flow allocates nothing. When the pool is full the flow idle
// longest is ended early ("forced") and counted.
#include <cstdint>
#include <vector>

#include "capture/flow.h"
#include "capture/flow_record.h"

namespace mamori {

// Per-protocol idle timeouts in seconds, Suricata's defaults.
struct FlowTimeouts {
  struct Pair {
    uint32_t new_s, established_s, closed_s;
  };
  Pair tcp{60, 600, 60};
  Pair udp{30, 300, 30};
  Pair icmp{30, 300, 30};
  Pair other{30, 300, 30};
};

class FlowEndHandler {
 public:
  virtual ~FlowEndHandler() = default;
  // Called once per flow, before its slot is reused.
  virtual void onFlowEnd(Flow& flow, FlowEndReason reason) = 0;
};

class FlowTable {
 public:
  struct Config {
    // Counts the flows' slots and what the worker's observers keep for each flow
    // (observer_bytes_per_flow), so that it bounds both.
    size_t memcap_bytes = 256u << 20;
    size_t observer_bytes_per_flow = 0;
    FlowTimeouts timeouts;
  };
  struct Stats {
    uint64_t active = 0, created = 0, ended = 0, timed_out = 0, evicted = 0, shutdown = 0, reused = 0;
    uint64_t created_by_proto[4] = {0, 0, 0, 0};  // tcp, udp, icmp, other
  };

  FlowTable(const Config& config, FlowEndHandler& on_end);
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Finds or creates the packet's flow, updates its counters and TCP state, and
  // reports the packet's direction. Never fails: a full table evicts.
  Flow& track(const DecodedPacket& pkt, Direction& dir);

  // Ends every flow idle past its timeout at packet time `now`.
  void expire(TimeUs now);
  // Ends every flow (end of capture or shutdown).
  void flushAll();

  const Stats& stats() const { return stats_; }
  size_t capacity() const { return capacity_; }
  static FlowRecord recordOf(const Flow& flow, FlowEndReason reason);

 private:
  // Timeout classes: protocol group x {new, established, closed}. Each class keeps its
  // own LRU list, so within a list idle time and expiry order agree and expiry only ever
  // looks at list heads.
  static constexpr int kClasses = 12;

  uint32_t allocate();
  void end(uint32_t index, FlowEndReason reason);
  void unlinkHash(uint32_t index);
  void lruRemove(uint32_t index);
  void lruAppend(uint32_t index, uint8_t cls);
  uint8_t classOf(const Flow& f) const;
  void updateTcpState(Flow& f, Direction dir, uint8_t flags);
  bool tcpReuse(const Flow& f, const DecodedPacket& pkt) const;
  uint32_t evictOldest();

  FlowEndHandler& on_end_;
  std::vector<Flow> flows_;
  size_t capacity_ = 0;
  std::vector<uint32_t> buckets_;
  uint64_t bucket_mask_ = 0;
  uint32_t free_head_ = kNoFlow;
  uint32_t lru_head_[kClasses];
  uint32_t lru_tail_[kClasses];
  TimeUs timeout_us_[kClasses];
  Stats stats_;
};

}  // namespace mamori
