// Password guessing at the console's sign-in is slowed per address and per user name, a
// real sign-in clears the way, and the limiter's memory stays bounded.
#include <gtest/gtest.h>

#include <string>

#include "console/sign_in_limiter.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;
using Clock = SignInLimiter::Clock;

const Clock::time_point t0 = Clock::time_point() + 1000h;

TEST(SignInLimiter, TheSixthAttemptAfterFiveFailuresIsRefusedUntilTheWindowPasses) {
  SignInLimiter limiter;  // 5 failures in 5 minutes
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(limiter.refuse("203.0.113.5", "alice", t0 + i * 10s)) << i;
    limiter.failed("203.0.113.5", "alice", t0 + i * 10s);
  }
  auto wait = limiter.refuse("203.0.113.5", "alice", t0 + 60s);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 4min);  // until the first failure is 5 minutes old
  EXPECT_TRUE(limiter.refuse("203.0.113.5", "alice", t0 + 4min + 59s));
  EXPECT_EQ(limiter.refused(), 2u);
  EXPECT_EQ(limiter.failures(), 5u);

  // The window slides: once the first failure is out of it, one attempt more is allowed,
  // and its failure closes the way again, until the second is out.
  EXPECT_FALSE(limiter.refuse("203.0.113.5", "alice", t0 + 5min));
  limiter.failed("203.0.113.5", "alice", t0 + 5min);
  auto again = limiter.refuse("203.0.113.5", "alice", t0 + 5min + 1s);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 9s);
  EXPECT_FALSE(limiter.refuse("203.0.113.5", "alice", t0 + 5min + 10s));
  // Refused attempts did not lengthen the wait.
  EXPECT_EQ(limiter.failures(), 6u);
}

TEST(SignInLimiter, FailuresCountPerAddressAndPerUser) {
  SignInLimiter limiter;
  // One user guessed at from five addresses.
  for (int i = 0; i < 5; ++i) limiter.failed("198.51.100." + std::to_string(i), "alice", t0);
  EXPECT_TRUE(limiter.refuse("192.0.2.77", "alice", t0 + 1s));
  EXPECT_FALSE(limiter.refuse("192.0.2.77", "bob", t0 + 1s));
  EXPECT_FALSE(limiter.refuse("198.51.100.1", "bob", t0 + 1s));  // one failure there: not enough

  // Five users guessed at from one address.
  for (int i = 0; i < 5; ++i) limiter.failed("192.0.2.9", "user" + std::to_string(i), t0);
  EXPECT_TRUE(limiter.refuse("192.0.2.9", "carol", t0 + 1s));
  EXPECT_FALSE(limiter.refuse("192.0.2.10", "carol", t0 + 1s));
}

TEST(SignInLimiter, ASuccessClearsItsAddressAndUser) {
  SignInLimiter limiter;
  for (int i = 0; i < 4; ++i) limiter.failed("203.0.113.5", "alice", t0);
  limiter.succeeded("203.0.113.5", "alice");
  for (int i = 0; i < 4; ++i) limiter.failed("203.0.113.5", "alice", t0 + 1s);
  EXPECT_FALSE(limiter.refuse("203.0.113.5", "alice", t0 + 2s));
  limiter.failed("203.0.113.5", "alice", t0 + 2s);
  EXPECT_TRUE(limiter.refuse("203.0.113.5", "alice", t0 + 3s));
  EXPECT_EQ(limiter.failures(), 9u);
}

TEST(SignInLimiter, MemoryStaysBounded) {
  SignInLimiterOptions options;
  options.max_keys = 10;
  SignInLimiter limiter(options);
  // Each failure names a new address and a new user: two keys.
  for (int i = 0; i < 20; ++i) limiter.failed("10.0.0." + std::to_string(i), "u" + std::to_string(i), t0 + i * 1s);
  EXPECT_LE(limiter.tracked(), 10u);
  EXPECT_EQ(limiter.evicted(), 30u);  // 40 keys, 10 kept
  // Once the window passed, old keys make room without evicting live ones.
  limiter.failed("10.0.1.1", "late", t0 + 1h);
  EXPECT_EQ(limiter.evicted(), 30u);
  EXPECT_EQ(limiter.tracked(), 2u);

  // A name far longer than any account is tracked by its first bytes, not kept whole.
  const std::string huge(1 << 20, 'x');
  for (int i = 0; i < 5; ++i) limiter.failed("10.0.2.1", huge, t0 + 1h);
  EXPECT_TRUE(limiter.refuse("10.0.2.2", huge, t0 + 1h));
}

}  // namespace
}  // namespace mamori
