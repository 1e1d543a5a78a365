#pragma once
// LiveEvents: what open console pages are told, as Server-Sent Events, in one numbered
// ring. Producers (the feed's output thread, request threads acting on incidents, the
// sensors ticker) push; each stream keeps its own position and waits for what comes after
// it. A stream that fell further behind than the ring holds is told to `resync` (reload its
// lists) instead of getting a partial story, so a slow client costs the producers nothing.
//
// Alerts can come faster than anyone reads them (thousands a second in a flood), and each
// open page is sent each event: a page is sent at most its AlertBudget's alerts a second,
// and after any it was not sent, a `skipped` event with how many. Everything else is sent
// whole. What a page holds is bounded that way, and so is what 50 pages cost the central.
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

// One page's alerts a second: a token bucket holding at most a second's worth.
struct AlertBudget {
  explicit AlertBudget(size_t per_s) : per_s(per_s), tokens(static_cast<double>(per_s)) {}
  size_t per_s;
  double tokens;
  std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now();
};

class LiveEvents {
 public:
  explicit LiveEvents(size_t capacity) : capacity_(capacity) {}

  // `data` is one line of JSON (no newline: JSON strings escape theirs). An `alert` event
  // is sent within each page's AlertBudget.
  void push(std::string_view event, std::string_view data);

  struct Batch {
    uint64_t next = 0;    // the position to wait after next time
    bool resync = false;  // events after the given position are gone
    uint64_t skipped = 0; // alerts left out, over the budget (the `skipped` event says so too)
    std::string text;     // the events as SSE text ("event: E\ndata: D\n\n"...)
  };
  // The events after position `after` (at most about `max_bytes` of them), waiting up to
  // `wait` for the first; an empty text when none came or close() was called. Alerts
  // beyond `budget` are left out, and a `skipped` event ends a batch that left some out.
  Batch next(uint64_t after, std::chrono::milliseconds wait, size_t max_bytes, AlertBudget& budget);
  // The position of the newest event: where a new stream starts.
  uint64_t head() const;
  // Wakes every waiting stream for good (shutdown).
  void close();
  bool closed() const;

 private:
  struct Event {
    uint64_t seq;
    bool alert;
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
