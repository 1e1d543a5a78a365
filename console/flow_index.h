#pragma once
// FlowIndex: where the console finds a flow's newest record held, for every record it
// takes (a central's console takes a hundred thousand a second, nine in ten a flow's
// first). One open-addressing table (linear probing, kept at most half full, grown by
// doubling): a lookup is one cache line, where a node-based map chased two or three
// pointers per lookup and per eviction, a third of the console's ingest time.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mamori {

// A flow of one sensor: the host's number (the console numbers the hosts it hears) and
// the flow's id, never 0.
struct FlowRef {
  uint32_t host = 0;
  uint64_t id = 0;
  bool operator==(const FlowRef&) const = default;
};

class FlowIndex {
 public:
  // The flow's value (its newest record's seq); nullptr when it has none.
  const uint64_t* find(FlowRef flow) const;
  // Sets the flow's value, adding the flow when new; returns the value it had (0: none).
  uint64_t put(FlowRef flow, uint64_t value);
  // Removes the flow when its value is `value` (its newest record was the one let go).
  void eraseIf(FlowRef flow, uint64_t value);
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t id = 0;  // 0: empty
    uint64_t value = 0;
    uint32_t host = 0;
  };
  size_t home(uint64_t id, uint32_t host) const;
  size_t slotOf(FlowRef flow) const;  // the flow's slot, or the empty one where it would go
  void grow();

  std::vector<Slot> slots_ = std::vector<Slot>(1024);
  size_t size_ = 0;
};

}  // namespace mamori
