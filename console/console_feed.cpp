#include "console/console_feed.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace mamori {
namespace {

constexpr std::chrono::milliseconds kGather{25};
constexpr size_t kHeader = 5;  // a record's length (4 bytes) and kind (1)

}  // namespace

ConsoleFeed::ConsoleFeed(ConsoleState& out, size_t capacity)
    : out_(out),
      capacity_(std::max<size_t>(capacity, 64)),
      wake_at_(capacity_ / 4),
      ring_(new char[capacity_]),  // not zeroed: pages are touched as records come
      thread_([this] {
        pthread_setname_np(pthread_self(), "console-feed");  // as `top -H` names it
        consume();
      }) {}

ConsoleFeed::~ConsoleFeed() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_one();
  thread_.join();
}

void ConsoleFeed::write(uint64_t at, const char* data, size_t size) {
  const size_t from = at % capacity_, first = std::min(size, capacity_ - from);
  std::memcpy(ring_.get() + from, data, first);
  std::memcpy(ring_.get(), data + first, size - first);
}

void ConsoleFeed::read(uint64_t at, char* data, size_t size) const {
  const size_t from = at % capacity_, first = std::min(size, capacity_ - from);
  std::memcpy(data, ring_.get() + from, first);
  std::memcpy(data + first, ring_.get(), size - first);
}

void ConsoleFeed::publish(EventKind kind, const std::string& json) {
  const size_t need = kHeader + json.size();
  bool filling = false;
  {
    std::lock_guard lock(mutex_);
    const uint64_t waiting = written_ - taken_;
    if (json.size() > UINT32_MAX || need > capacity_ - waiting) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    char header[kHeader];
    const auto size = static_cast<uint32_t>(json.size());
    std::memcpy(header, &size, 4);
    header[4] = static_cast<char>(kind);
    write(written_, header, kHeader);
    write(written_ + kHeader, json.data(), json.size());
    written_ += need;
    filling = waiting < wake_at_ && waiting + need >= wake_at_;
  }
  // A burst is taken before the ring fills, not at the next gather.
  if (filling) ready_.notify_one();
}

void ConsoleFeed::consume() {
  std::string json;
  std::unique_lock lock(mutex_);
  while (true) {
    ready_.wait_for(lock, kGather, [&] { return stopping_ || written_ - taken_ >= wake_at_; });
    const uint64_t end = written_;
    if (taken_ == end) {
      if (stopping_) return;  // everything handed over
      continue;
    }
    // The bytes up to `end` are the consumer's until it moves taken_: producers write after.
    lock.unlock();
    for (uint64_t at = taken_; at < end;) {
      char header[kHeader];
      read(at, header, kHeader);
      uint32_t size = 0;
      std::memcpy(&size, header, 4);
      json.resize(size);
      read(at + kHeader, json.data(), size);
      at += kHeader + size;
      out_.take(static_cast<EventKind>(header[4]), std::move(json));
      json = std::string();
    }
    lock.lock();
    taken_ = end;
  }
}

}  // namespace mamori
