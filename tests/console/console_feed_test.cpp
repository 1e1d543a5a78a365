// ConsoleFeed: records reach the console on its own thread, in order, soon; what does not
// fit its queue is dropped and counted, and nothing waiting is lost when it stops.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "console/console_feed.h"
#include "console/console_state.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;

std::string flow(int i) {
  return R"({"timestamp":"2026-03-02T08:30:00.000000+0000","host":"s","flow_id":)" + std::to_string(1 + i % 7) +
         R"(,"event_type":"flow","n":)" + std::to_string(i) + "}";
}

TEST(ConsoleFeed, RecordsArriveSoonAndInOrder) {
  ConsoleState state;
  ConsoleFeed feed(state);
  for (int i = 0; i < 700; ++i) feed.publish(EventKind::Flow, flow(i));
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (state.counters().records < 700 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(state.counters().records, 700u) << "taken within its gather time, not at the next burst";
  const std::string records = state.flow("s", 3);
  EXPECT_LT(records.find(R"("n":2})"), records.find(R"("n":9})"));
  EXPECT_EQ(feed.dropped(), 0u);
}

TEST(ConsoleFeed, WhatDoesNotFitIsDroppedAndCountedAndWhatWaitsIsHandedOverAtTheEnd) {
  ConsoleState state;
  uint64_t dropped = 0;
  {
    ConsoleFeed feed(state, 4096);
    // Faster than the console is woken: a burst of 100 000 into a ring of 4 KiB (about 40).
    for (int i = 0; i < 100000; ++i) feed.publish(EventKind::Flow, flow(i));
    dropped = feed.dropped();
  }
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(state.counters().records + dropped, 100000u) << "every record taken or counted";
}

}  // namespace
}  // namespace mamori
