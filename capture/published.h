#pragma once
// Published<T>: a copy of a thread's counters that other threads may read. The owner
// works on its own live values with no synchronisation and publishes a copy now and then
// (at a time tick); readers (metrics, stats) take the last copy. The lock is shared by
// the owner and its readers only, and taken per tick, never per packet.
#include <mutex>

namespace mamori {

template <typename T>
class Published {
 public:
  void set(const T& value) {
    std::lock_guard lock(mutex_);
    value_ = value;
  }
  T get() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

 private:
  mutable std::mutex mutex_;
  T value_{};
};

}  // namespace mamori
