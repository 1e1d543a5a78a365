// Browser sessions end when idle, when too old, on sign-out and when their user's account
// changes; the table stays bounded however many sign-ins come.
#include <gtest/gtest.h>

#include <set>

#include "console/session_table.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;
using Clock = SessionTable::Clock;

const Clock::time_point t0 = Clock::time_point() + 1000h;
const Principal alice{"alice", Role::Analyst, false};
const Principal bob{"bob", Role::Viewer, false};

bool hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(SessionTable, ASessionIsFoundByItsIdAndCarriesItsCsrfToken) {
  SessionTable table;
  Session s = table.create(alice, t0);
  EXPECT_TRUE(hex64(s.id)) << s.id;
  EXPECT_TRUE(hex64(s.csrf)) << s.csrf;
  EXPECT_NE(s.id, s.csrf);
  EXPECT_EQ(s.created, t0);

  auto found = table.find(s.id, t0 + 1s);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->principal.name, "alice");
  EXPECT_EQ(found->principal.role, Role::Analyst);
  EXPECT_EQ(found->csrf, s.csrf);
  EXPECT_EQ(found->last_used, t0 + 1s);
  EXPECT_TRUE(found->csrfMatches(s.csrf));
  EXPECT_FALSE(found->csrfMatches(""));
  EXPECT_FALSE(found->csrfMatches(s.id));
  EXPECT_FALSE(found->csrfMatches(s.csrf.substr(1)));

  std::string upper = s.id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(table.find(upper, t0));
  EXPECT_FALSE(table.find(s.id.substr(2), t0));
  EXPECT_FALSE(table.find("", t0));
  EXPECT_FALSE(table.find(std::string(64, '0'), t0));

  // Every session's secrets are its own.
  std::set<std::string> seen{s.id, s.csrf};
  for (int i = 0; i < 50; ++i) {
    Session other = table.create(bob, t0);
    EXPECT_TRUE(seen.insert(other.id).second);
    EXPECT_TRUE(seen.insert(other.csrf).second);
  }
}

TEST(SessionTable, AnIdleSessionEndsAndUseKeepsItAlive) {
  SessionTable table;  // 30 minutes idle
  Session s = table.create(alice, t0);
  EXPECT_TRUE(table.find(s.id, t0 + 29min));
  EXPECT_TRUE(table.find(s.id, t0 + 58min));  // 29 minutes after the last use
  EXPECT_FALSE(table.find(s.id, t0 + 88min));  // 30 minutes after it
  EXPECT_EQ(table.size(), 0u);  // dropped, not only hidden
  EXPECT_FALSE(table.find(s.id, t0 + 58min));  // and not back for an earlier clock
}

TEST(SessionTable, ASessionEndsAtItsLifetimeHoweverMuchItIsUsed) {
  SessionOptions options;
  options.lifetime = 12h;
  SessionTable table(options);
  Session s = table.create(alice, t0);
  Clock::time_point now = t0;
  for (; now < t0 + 12h; now += 20min) ASSERT_TRUE(table.find(s.id, now)) << (now - t0) / 1min << " min";
  EXPECT_FALSE(table.find(s.id, t0 + 12h));
}

TEST(SessionTable, SignOutAndAChangedAccountEndSessions) {
  SessionTable table;
  Session a1 = table.create(alice, t0);
  Session a2 = table.create(alice, t0);
  Session b = table.create(bob, t0);
  EXPECT_TRUE(table.remove(a1.id));
  EXPECT_FALSE(table.remove(a1.id));
  EXPECT_FALSE(table.remove("not an id"));
  EXPECT_FALSE(table.find(a1.id, t0));
  EXPECT_TRUE(table.find(a2.id, t0));

  Session a3 = table.create(alice, t0);
  EXPECT_EQ(table.removeUser("alice"), 2u);
  EXPECT_FALSE(table.find(a2.id, t0));
  EXPECT_FALSE(table.find(a3.id, t0));
  EXPECT_TRUE(table.find(b.id, t0));
  EXPECT_EQ(table.removeUser("alice"), 0u);
  EXPECT_EQ(table.size(), 1u);
}

TEST(SessionTable, BeyondItsBoundTheLeastRecentlyUsedSessionGoes) {
  SessionOptions options;
  options.max_sessions = 3;
  SessionTable table(options);
  Session s1 = table.create(alice, t0);
  Session s2 = table.create(bob, t0 + 1s);
  Session s3 = table.create(bob, t0 + 2s);
  ASSERT_TRUE(table.find(s1.id, t0 + 3s));  // s2 is now the least recently used
  Session s4 = table.create(alice, t0 + 4s);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.evicted(), 1u);
  EXPECT_FALSE(table.find(s2.id, t0 + 5s));
  EXPECT_TRUE(table.find(s1.id, t0 + 5s));
  EXPECT_TRUE(table.find(s3.id, t0 + 5s));
  EXPECT_TRUE(table.find(s4.id, t0 + 5s));

  // Sessions that ended anyway make room without counting as evicted.
  Session s5 = table.create(alice, t0 + 2h);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.evicted(), 1u);
  EXPECT_TRUE(table.find(s5.id, t0 + 2h));

  // A loop of sign-ins never holds more than the bound.
  for (int i = 0; i < 100; ++i) table.create(bob, t0 + 3h + i * 1s);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.evicted(), 98u);
}

}  // namespace
}  // namespace mamori
