#pragma once
// LogThrottle: lets at most one log line of a kind through per interval and counts the
// lines it holds back, so that a flood of refused connections (a port scanner, a
// misconfigured peer reconnecting every 100 ms) cannot fill a disk with log lines. The
// counters, not the log, are the complete record.
//
// Not thread-safe: each logging thread keeps its own.
#include <chrono>
#include <cstdint>
#include <optional>

namespace mamori {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LogThrottle(Clock::duration interval = std::chrono::seconds(1)) : interval_(interval) {}

  // Whether a line may be written at `now`: if so, how many lines were held back since the
  // last one written (to be said in it); if not, nothing, and the line is counted.
  std::optional<uint64_t> admit(Clock::time_point now = Clock::now());

 private:
  Clock::duration interval_;
  std::optional<Clock::time_point> last_;
  uint64_t held_back_ = 0;
};

}  // namespace mamori
