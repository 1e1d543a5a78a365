#pragma once
// AppMemory: one worker's budget for the application layer's per-flow state (app-layer.
// memcap split over the workers): nDPI's flow state while a flow is being identified, each
// flow's parser, and the buffers parsers grow (TLS handshake messages, DNS messages split
// across TCP segments, the decoded TLS handshake with its certificate chain). A consumer
// takes before it allocates and gives back what it frees; a refusal is counted and the
// consumer goes without: the flow is not identified or not parsed, a TLS direction is given
// up. What a library allocates on its own (nDPI's buffers) can only be charged after the
// fact: its consumer stops asking once the budget is full(). The flow table bounds how many
// flows hold state, this bounds what they hold together.
//
// Used on its worker's thread only; the counters are single-writer atomics, so the stats
// record and /metrics read them from other threads.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mamori {

class AppMemory {
 public:
  explicit AppMemory(size_t limit) : limit_(limit) {}
  AppMemory(const AppMemory&) = delete;
  AppMemory& operator=(const AppMemory&) = delete;

  bool take(size_t bytes) {
    const size_t used = used_.load(std::memory_order_relaxed);
    if (used > limit_ || bytes > limit_ - used) {  // charge() may have gone past the limit
      refused_.store(refused_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      return false;
    }
    used_.store(used + bytes, std::memory_order_relaxed);
    if (used + bytes > peak_.load(std::memory_order_relaxed)) peak_.store(used + bytes, std::memory_order_relaxed);
    return true;
  }
  // Bytes already allocated: charged even over the limit.
  void charge(size_t bytes) {
    const size_t used = used_.load(std::memory_order_relaxed) + bytes;
    used_.store(used, std::memory_order_relaxed);
    if (used > peak_.load(std::memory_order_relaxed)) peak_.store(used, std::memory_order_relaxed);
  }
  void give(size_t bytes) { used_.store(used_.load(std::memory_order_relaxed) - bytes, std::memory_order_relaxed); }
  // No room left: counted as a refusal, as take() would.
  bool full() {
    if (used_.load(std::memory_order_relaxed) < limit_) return false;
    refused_.store(refused_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return true;
  }

  size_t limit() const { return limit_; }
  size_t used() const { return used_.load(std::memory_order_relaxed); }
  size_t peak() const { return peak_.load(std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0}, peak_{0};
  std::atomic<uint64_t> refused_{0};
};

// A buffer that grows within a budget (`memory` may be null: no budget). Its capacity is
// what is charged.
class BudgetedBuffer {
 public:
  explicit BudgetedBuffer(AppMemory* memory) : memory_(memory) {}
  BudgetedBuffer(const BudgetedBuffer&) = delete;
  BudgetedBuffer& operator=(const BudgetedBuffer&) = delete;
  ~BudgetedBuffer() { release(); }

  // Room for `size` bytes, grown by doubling up to `most`; false (nothing changed) when
  // the budget refuses.
  bool reserve(size_t size, size_t most) {
    if (size <= bytes_.capacity()) return true;
    const size_t want = std::max(size, std::min(most, 2 * bytes_.capacity()));
    const size_t add = want - bytes_.capacity();
    if (memory_ && !memory_->take(add)) return false;
    bytes_.reserve(want);
    return true;
  }
  // Frees the buffer and gives its capacity back.
  void release() {
    if (memory_) memory_->give(bytes_.capacity());
    std::vector<uint8_t>().swap(bytes_);
  }
  // Within the reserved size only.
  std::vector<uint8_t>& bytes() { return bytes_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  AppMemory* memory_;
  std::vector<uint8_t> bytes_;
};

}  // namespace mamori
