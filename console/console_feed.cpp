#include "console/console_feed.h"

namespace mamori {

ConsoleFeed::ConsoleFeed(EventOutput& out, size_t capacity) : out_(out), capacity_(capacity) {
  thread_ = std::thread([this] {
    std::deque<std::pair<EventKind, std::string>> batch;
    std::unique_lock lock(mutex_);
    while (true) {
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything handed over
      batch.swap(queue_);
      lock.unlock();
      for (auto& [kind, json] : batch) out_.publish(kind, json);
      batch.clear();
      lock.lock();
    }
  });
}

ConsoleFeed::~ConsoleFeed() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_one();
  thread_.join();
}

void ConsoleFeed::publish(EventKind kind, const std::string& json) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    was_empty = queue_.empty();
    queue_.emplace_back(kind, json);
  }
  // The consumer waits only on an empty queue: one wake-up per batch, not per record.
  if (was_empty) ready_.notify_one();
}

}  // namespace mamori
