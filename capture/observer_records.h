#pragma once
// ObserverRecords<T>: the per-flow records a FlowObserver keeps for the flows it follows,
// reached through the handle in the flow's observer slot (index + 1; 0: none). A record
// is reused once its flow ends, so the pool grows with the flows alive at once, never with
// packets. T has a `uint64_t flow_id`, which tells a live record from a stale handle.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace mamori {

template <typename T>
class ObserverRecords {
 public:
  // What one record costs at most: itself, its slot, its place on the free list and the
  // allocator's header. The flow memcap counts it for every flow (FlowTable::Config).
  static constexpr size_t kBytesPerRecord = sizeof(T) + sizeof(std::unique_ptr<T>) + sizeof(uint32_t) + 16;

  // The record behind `handle` if it still belongs to `flow_id`; else nullptr.
  T* find(uint32_t handle, uint64_t flow_id) const {
    if (handle == 0) return nullptr;
    T* record = records_[handle - 1].get();
    return record->flow_id == flow_id ? record : nullptr;
  }
  // A record for a new flow, its handle written to `handle`. A reused record keeps what
  // its last flow left: the caller sets it up.
  T& acquire(uint32_t& handle) {
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<uint32_t>(records_.size());
      records_.push_back(std::make_unique<T>());
    }
    handle = index + 1;
    return *records_[index];
  }
  // Gives the record behind `handle` back and clears the handle.
  void release(uint32_t& handle) {
    records_[handle - 1]->flow_id = 0;
    free_.push_back(handle - 1);
    handle = 0;
  }
  template <typename F>
  void forEach(F&& f) {
    for (auto& r : records_) f(*r);
  }

 private:
  std::vector<std::unique_ptr<T>> records_;  // by pointer: records stay put as the pool grows
  std::vector<uint32_t> free_;
};

}  // namespace mamori
