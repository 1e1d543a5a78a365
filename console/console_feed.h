#pragma once
// ConsoleFeed: how records reach the console without slowing what produces them. The
// central's one thread (and a sensor's output thread) copies each record into a ring of
// bytes allocated once; the console's own thread copies it out and parses and indexes it
// (ConsoleState::take), every 25 ms or once a quarter of the ring is full, whichever comes
// first (a wake-up per record would cost the producer a system call each). The producer
// allocates nothing per record: a string it allocated and the console freed a hundred
// thousand records later would make both threads contend for its allocator's arena. When
// the console cannot keep up the ring fills, and what does not fit is dropped and counted:
// the console is a view, ingest must never wait for it.
//
// publish() from one producer thread or several; the feed's thread is the consumer.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "alerting/event_output.h"
#include "console/console_state.h"

namespace mamori {

class ConsoleFeed final : public EventOutput {
 public:
  // Hands records to `out` on a thread of its own; at most `capacity` bytes of them (and 5
  // bytes each besides) wait at once.
  explicit ConsoleFeed(ConsoleState& out, size_t capacity = 32 << 20);
  ~ConsoleFeed() override;  // hands over what waits, then stops
  ConsoleFeed(const ConsoleFeed&) = delete;
  ConsoleFeed& operator=(const ConsoleFeed&) = delete;

  void publish(EventKind kind, const std::string& json) override;

  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  void write(uint64_t at, const char* data, size_t size);  // at the ring's position `at`
  void read(uint64_t at, char* data, size_t size) const;
  void consume();

  ConsoleState& out_;
  const size_t capacity_;
  const size_t wake_at_;  // bytes waiting that wake the consumer before its time
  std::unique_ptr<char[]> ring_;
  std::mutex mutex_;
  std::condition_variable ready_;
  uint64_t written_ = 0, taken_ = 0;  // bytes ever written, and ever taken (the ring's ends)
  bool stopping_ = false;
  std::atomic<uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace mamori
