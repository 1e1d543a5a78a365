#pragma once
// LiveEvents: what open console pages are told, as Server-Sent Events, in one numbered
// ring. Producers (the feed's output thread, request threads acting on incidents, the
// sensors ticker) push; each stream keeps its own position and waits for what comes after
// it. A stream that fell further behind than the ring holds is told to `resync` (reload its
// lists) instead of getting a partial story, so a slow client costs the producers nothing.
//
// Thread-safe: one mutex and one condition variable; push() never waits for a client.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

namespace mamori {

class LiveEvents {
 public:
  explicit LiveEvents(size_t capacity) : capacity_(capacity) {}

  // `data` is one line of JSON (no newline: JSON strings escape theirs).
  void push(std::string_view event, std::string_view data);

  struct Batch {
    uint64_t next = 0;    // the position to wait after next time
    bool resync = false;  // events after the given position are gone
    std::string text;     // the events as SSE text ("event: E\ndata: D\n\n"...)
  };
  // The events after position `after` (at most about `max_bytes` of them), waiting up to
  // `wait` for the first; an empty text when none came or close() was called.
  Batch next(uint64_t after, std::chrono::milliseconds wait, size_t max_bytes);
  // The position of the newest event: where a new stream starts.
  uint64_t head() const;
  // Wakes every waiting stream for good (shutdown).
  void close();
  bool closed() const;

 private:
  struct Event {
    uint64_t seq;
    std::string text;
  };
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Event> ring_;
  uint64_t head_ = 0;
  bool closed_ = false;
};

}  // namespace mamori
