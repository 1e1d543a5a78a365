#include <gtest/gtest.h>

#include "auth/log_throttle.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;

TEST(LogThrottle, OneLineAnIntervalAndTheCountOfTheOthers) {
  LogThrottle throttle(1s);
  const auto t0 = LogThrottle::Clock::time_point() + 100s;
  EXPECT_EQ(throttle.admit(t0), 0u);
  EXPECT_FALSE(throttle.admit(t0 + 1ms));
  EXPECT_FALSE(throttle.admit(t0 + 500ms));
  EXPECT_FALSE(throttle.admit(t0 + 999ms));
  EXPECT_EQ(throttle.admit(t0 + 1s), 3u);  // three held back since the last line
  EXPECT_FALSE(throttle.admit(t0 + 1500ms));
  EXPECT_EQ(throttle.admit(t0 + 10s), 1u);
  EXPECT_EQ(throttle.admit(t0 + 20s), 0u);
}

}  // namespace
}  // namespace mamori
