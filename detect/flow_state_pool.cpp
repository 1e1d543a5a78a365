#include "detect/flow_state_pool.h"

#include <algorithm>

namespace mamori {
namespace {
constexpr uint64_t kFree = UINT64_MAX;
}

void FlowStatePool::configure(size_t flowbits, size_t flowints, size_t tail_bytes) {
  bit_words_ = (flowbits + 63) / 64;
  int_set_words_ = (flowints + 63) / 64;
  tail_bytes_ = (tail_bytes + 7) / 8 * 8;
  tail_base_ = 1 + bit_words_ + int_set_words_ + flowints;
  const bool needed = flowbits + flowints + tail_bytes_ > 0;
  stride_ = needed ? tail_base_ + (tail_bytes_ ? 1 + 2 * tail_bytes_ / 8 : 0) : 0;
  words_.assign(needed ? capacity_ * stride_ : 0, 0);
  free_.clear();
  if (!needed) return;
  free_.reserve(capacity_);
  for (size_t i = capacity_; i > 0; --i) {
    words_[(i - 1) * stride_] = kFree;
    free_.push_back(static_cast<uint32_t>(i - 1));
  }
}

const uint64_t* FlowStatePool::find(uint32_t handle, uint64_t flow_id) const {
  if (handle == 0 || stride_ == 0 || handle > capacity_) return nullptr;
  const uint64_t* record = &words_[(handle - 1) * stride_];
  return record[0] == flow_id ? record : nullptr;
}

uint64_t* FlowStatePool::obtain(uint32_t& handle, uint64_t flow_id) {
  if (uint64_t* found = find(handle, flow_id)) return found;
  if (free_.empty()) {
    if (stride_ != 0) ++exhausted_;
    return nullptr;
  }
  uint32_t index = free_.back();
  free_.pop_back();
  uint64_t* record = &words_[index * stride_];
  std::fill(record, record + stride_, 0);
  record[0] = flow_id;
  handle = index + 1;
  return record;
}

void FlowStatePool::release(uint32_t& handle, uint64_t flow_id) {
  if (find(handle, flow_id)) {
    words_[(handle - 1) * stride_] = kFree;
    free_.push_back(handle - 1);
  }
  handle = 0;
}

void FlowStatePool::setBit(uint64_t* record, uint32_t id, bool on) const {
  uint64_t& word = record[1 + id / 64];
  const uint64_t mask = uint64_t{1} << (id % 64);
  word = on ? word | mask : word & ~mask;
}

bool FlowStatePool::intSet(const uint64_t* record, uint32_t id) const {
  return record && (record[1 + bit_words_ + id / 64] >> (id % 64) & 1);
}

int64_t FlowStatePool::intValue(const uint64_t* record, uint32_t id) const {
  return static_cast<int64_t>(record[1 + bit_words_ + int_set_words_ + id]);
}

void FlowStatePool::setInt(uint64_t* record, uint32_t id, int64_t value) const {
  record[1 + bit_words_ + id / 64] |= uint64_t{1} << (id % 64);
  record[1 + bit_words_ + int_set_words_ + id] = static_cast<uint64_t>(value);
}

}  // namespace mamori
