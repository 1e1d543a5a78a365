// BusGapCounter reads the publisher's markers: between two, what a subscriber did not
// receive of its topics is what it missed; before the first, nothing is checked.
#include <gtest/gtest.h>

#include "alerting/bus_gap_counter.h"

namespace mamori {
namespace {

TEST(BusGapCounter, CountsWhatDidNotArriveBetweenTwoMarkers) {
  BusGapCounter gaps;
  gaps.subscribe("alert");
  gaps.subscribe("fl");
  gaps.received("alert");  // before any marker: cannot be checked
  EXPECT_EQ(gaps.marker(R"({"event_type":"bus","published":{"alert":5,"flow":10,"stats":1}})"), 0u);
  EXPECT_TRUE(gaps.checking());
  for (int i = 0; i < 3; ++i) gaps.received("alert");
  for (int i = 0; i < 20; ++i) gaps.received("flow");
  // 4 alerts and 20 flows published, 3 and 20 arrived; stats are not ours.
  EXPECT_EQ(gaps.marker(R"({"event_type":"bus","published":{"alert":9,"flow":30,"stats":7}})"), 1u);
  EXPECT_EQ(gaps.marker(R"({"event_type":"bus","published":{"alert":9,"flow":30,"stats":7}})"), 0u) << "a repeat";
  EXPECT_EQ(gaps.missed(), 1u);
}

TEST(BusGapCounter, ARestartedPublisherOrABadMarkerCountsNothing) {
  BusGapCounter gaps;
  gaps.subscribe("");
  EXPECT_EQ(gaps.marker(R"({"published":{"alert":100}})"), 0u);
  EXPECT_EQ(gaps.marker(R"({"published":{"alert":2}})"), 0u);  // counts went down: a new publisher
  EXPECT_EQ(gaps.marker("not json"), 0u);
  EXPECT_EQ(gaps.marker(R"({"published":{"alert":"many"}})"), 0u);
  EXPECT_EQ(gaps.marker(R"({"published":{"alert":5,"dns":4}})"), 3u);  // dns is new: it starts here
  EXPECT_EQ(gaps.missed(), 3u);
}

}  // namespace
}  // namespace mamori
