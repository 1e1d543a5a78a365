#pragma once
// ConsoleFeed: how records reach the console without slowing what produces them. The
// central's one thread (and a sensor's output thread) hands each record over here, which
// costs a copy into a bounded queue; the console's own thread parses and indexes it
// (ConsoleState::publish). When the console cannot keep up the queue fills and what does
// not fit is dropped and counted: the console is a view, ingest must never wait for it.
//
// publish() from one producer thread or several; the feed's thread is the consumer.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "alerting/event_output.h"

namespace mamori {

class ConsoleFeed final : public EventOutput {
 public:
  // Hands records to `out` (the ConsoleState) on a thread of its own; at most `capacity`
  // wait at once.
  explicit ConsoleFeed(EventOutput& out, size_t capacity = 65536);
  ~ConsoleFeed() override;  // hands over what waits, then stops
  ConsoleFeed(const ConsoleFeed&) = delete;
  ConsoleFeed& operator=(const ConsoleFeed&) = delete;

  void publish(EventKind kind, const std::string& json) override;

  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  EventOutput& out_;
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::pair<EventKind, std::string>> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace mamori
