#pragma once
// Flowbits, flowints and the last stream bytes per direction (so that a content split
// across segments is seen whole) of the flows one worker tracks, in records preallocated
// for the rule set in use. A flow holds a handle to its record (FlowObserver::stateOf) only once
// a rule wrote state for it, and gives it back when it ends; a record also remembers
// its flow's id, so a handle left over from an earlier rule set is never misread.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace mamori {

class FlowStatePool {
 public:
  explicit FlowStatePool(size_t capacity) : capacity_(capacity) {}

  // Lays the records out for a rule set's variables and `tail_bytes` of stream per
  // direction; any stored state is forgotten, since ids name different variables in
  // another rule set.
  void configure(size_t flowbits, size_t flowints, size_t tail_bytes);

  // The flow's record, or nullptr when it has none (every bit and int unset).
  const uint64_t* find(uint32_t handle, uint64_t flow_id) const;
  uint64_t* find(uint32_t handle, uint64_t flow_id) {
    return const_cast<uint64_t*>(std::as_const(*this).find(handle, flow_id));
  }
  // The flow's record, created (zeroed) when missing; nullptr when the pool is full,
  // which is counted.
  uint64_t* obtain(uint32_t& handle, uint64_t flow_id);
  void release(uint32_t& handle, uint64_t flow_id);

  static bool bit(const uint64_t* record, uint32_t id) { return record && (record[1 + id / 64] >> (id % 64) & 1); }
  void setBit(uint64_t* record, uint32_t id, bool on) const;
  bool intSet(const uint64_t* record, uint32_t id) const;
  int64_t intValue(const uint64_t* record, uint32_t id) const;
  void setInt(uint64_t* record, uint32_t id, int64_t value) const;

  // The stream bytes kept for direction `dir` (0 to server): tailCapacity() bytes of
  // room, of which tailLength() are used.
  uint8_t* tail(uint64_t* record, int dir) const {
    return reinterpret_cast<uint8_t*>(record + tail_base_ + 1) + dir * tail_bytes_;
  }
  uint32_t tailLength(const uint64_t* record, int dir) const {
    return record ? static_cast<uint32_t>(record[tail_base_] >> (32 * dir)) : 0;
  }
  void setTailLength(uint64_t* record, int dir, uint32_t length) const {
    uint64_t& word = record[tail_base_];
    word = (word & (uint64_t{0xffffffff} << (32 * (1 - dir)))) | uint64_t{length} << (32 * dir);
  }
  size_t tailCapacity() const { return tail_bytes_; }

  uint64_t exhausted() const { return exhausted_; }
  size_t inUse() const { return capacity_ - free_.size(); }

 private:
  // Record layout in words: owner flow id, flowbits, "flowint set" bits, flowint values,
  // the two tail lengths, then the two tails.
  size_t capacity_;
  size_t bit_words_ = 0, int_set_words_ = 0, stride_ = 0, tail_base_ = 0, tail_bytes_ = 0;
  std::vector<uint64_t> words_;
  std::vector<uint32_t> free_;
  uint64_t exhausted_ = 0;
};

}  // namespace mamori
