#include "auth/log_throttle.h"

namespace mamori {

std::optional<uint64_t> LogThrottle::admit(Clock::time_point now) {
  if (last_ && now - *last_ < interval_) {
    ++held_back_;
    return std::nullopt;
  }
  last_ = now;
  uint64_t held = held_back_;
  held_back_ = 0;
  return held;
}

}  // namespace mamori
