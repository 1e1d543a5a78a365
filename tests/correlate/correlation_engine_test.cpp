#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/correlate/correlation_test_events.h"

namespace mamori::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kBases = R"(name: probe
detection:
  s: {event_type: flow}
  condition: s
---
name: recon
detection:
  s: {alert.metadata.mitre_tactic_id: TA0043}
  condition: s
---
name: exploit
detection:
  s: {alert.metadata.mitre_tactic_id: TA0001}
  condition: s
---
name: c2
detection:
  s: {alert.metadata.mitre_tactic_id: TA0011}
  condition: s
---
)";

struct Harness {
  explicit Harness(const std::string& correlations, CorrelationEngineConfig config = {})
      : engine(parseRules(kBases + correlations), config, sink) {}
  RecordingSink sink;
  CorrelationEngine engine;
};

const std::string kCount = R"(name: many
title: Many flows
level: high
tags: [attack.t1046]
correlation:
  type: event_count
  rules: [probe]
  group-by: [src_ip]
  timespan: 60s
  condition: {gte: 3}
)";

TEST(CorrelationEngine, EventCountFiresWhenTheConditionHolds) {
  Harness h(kCount);
  h.engine.onEvent(flowEvent(1 * kSecond, "10.0.0.1", "10.0.0.9", 80));
  h.engine.onEvent(flowEvent(2 * kSecond, "10.0.0.1", "10.0.0.9", 81));
  EXPECT_THAT(h.sink.matches, IsEmpty());
  h.engine.onEvent(flowEvent(3 * kSecond, "10.0.0.1", "10.0.0.8", 82));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  const CorrelationMatch& m = h.sink.matches[0];
  EXPECT_EQ(m.rule, "many");
  EXPECT_EQ(m.title, "Many flows");
  EXPECT_EQ(m.severity, 2);
  EXPECT_THAT(m.group, ElementsAre(std::pair<std::string, std::string>("src_ip", "10.0.0.1")));
  EXPECT_EQ(m.first_seen, 1 * kSecond);
  EXPECT_EQ(m.last_seen, 3 * kSecond);
  EXPECT_EQ(m.events, 3u);
  EXPECT_THAT(m.hosts, ElementsAre(ip("10.0.0.1"), ip("10.0.0.8"), ip("10.0.0.9")));
  EXPECT_THAT(m.dest_ports, ElementsAre(80, 81, 82));
  EXPECT_EQ(m.flow_ids.size(), 3u);
  EXPECT_THAT(m.techniques, ElementsAre("T1046"));
  EXPECT_EQ(h.engine.counters()[0].matches, 1u);
  EXPECT_EQ(h.engine.counters()[0].events, 3u);
}

TEST(CorrelationEngine, WindowSlides) {
  Harness h(kCount);
  // Three events, but never three within 60 s of each other.
  h.engine.onEvent(flowEvent(0, "10.0.0.1", "10.0.0.9", 80));
  h.engine.onEvent(flowEvent(40 * kSecond, "10.0.0.1", "10.0.0.9", 80));
  h.engine.onEvent(flowEvent(61 * kSecond, "10.0.0.1", "10.0.0.9", 80));
  EXPECT_THAT(h.sink.matches, IsEmpty());
  // The boundary: 60 s apart still counts.
  h.engine.onEvent(flowEvent(100 * kSecond, "10.0.0.1", "10.0.0.9", 80));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_EQ(h.sink.matches[0].first_seen, 40 * kSecond);
}

TEST(CorrelationEngine, GroupByIsolatesSources) {
  Harness h(kCount);
  for (int i = 0; i < 2; ++i) {
    h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.1", "10.0.0.9", 80));
    h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.2", "10.0.0.9", 80));
  }
  EXPECT_THAT(h.sink.matches, IsEmpty());
  h.engine.onEvent(flowEvent(3 * kSecond, "10.0.0.2", "10.0.0.9", 80));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_EQ(h.sink.matches[0].group[0].second, "10.0.0.2");
}

TEST(CorrelationEngine, RepeatsAreRateLimitedToOncePerTimespan) {
  Harness h(kCount);
  for (int i = 0; i < 10; ++i) h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.1", "10.0.0.9", 80));
  ASSERT_EQ(h.sink.matches.size(), 1u);  // at the third; the seven after are held back
  h.engine.advance(62 * kSecond);        // one timespan after the first emission
  ASSERT_EQ(h.sink.matches.size(), 2u);
  EXPECT_EQ(h.sink.matches[1].events, 10u);
  h.engine.advance(200 * kSecond);
  EXPECT_EQ(h.sink.matches.size(), 2u);  // nothing new
  EXPECT_EQ(h.engine.groups(), 0u);      // and the quiet group is forgotten
}

TEST(CorrelationEngine, FlushSendsHeldBackEvidence) {
  Harness h(kCount);
  for (int i = 0; i < 5; ++i) h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.1", "10.0.0.9", 80));
  h.engine.flush();
  ASSERT_EQ(h.sink.matches.size(), 2u);
  EXPECT_EQ(h.sink.matches[1].events, 5u);
  EXPECT_EQ(h.engine.groups(), 0u);
}

TEST(CorrelationEngine, LtConditionCountsTheWindow) {
  Harness h(R"(name: few
correlation:
  type: event_count
  rules: [probe]
  group-by: [src_ip]
  timespan: 60s
  condition: {gte: 2, lt: 4}
)");
  for (int i = 0; i < 5; ++i) h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.1", "10.0.0.9", 80));
  h.engine.flush();
  ASSERT_EQ(h.sink.matches.size(), 1u);  // held-back update dropped: at 5 the condition no longer held
  EXPECT_EQ(h.sink.matches[0].events, 2u);
}

TEST(CorrelationEngine, ValueCountCountsDistinctValues) {
  Harness h(R"(name: ports
correlation:
  type: value_count
  rules: [probe]
  group-by: [src_ip, dest_ip]
  timespan: 5m
  condition: {field: dest_port, gte: 3}
)");
  for (int i = 0; i < 5; ++i) h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.1", "10.0.0.9", 22));
  h.engine.onEvent(flowEvent(6 * kSecond, "10.0.0.1", "10.0.0.9", 23));
  EXPECT_THAT(h.sink.matches, IsEmpty());
  h.engine.onEvent(flowEvent(7 * kSecond, "10.0.0.1", "10.0.0.9", 24));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_EQ(h.sink.matches[0].events, 3u);
  EXPECT_THAT(h.sink.matches[0].group,
              ElementsAre(std::pair<std::string, std::string>("src_ip", "10.0.0.1"),
                          std::pair<std::string, std::string>("dest_ip", "10.0.0.9")));
}

const std::string kOrdered = R"(name: chain
level: critical
correlation:
  type: temporal_ordered
  rules: [recon, exploit, c2]
  group-by: [victim]
  aliases:
    victim: {recon: dest_ip, exploit: dest_ip, c2: src_ip}
  timespan: 1h
)";

TEST(CorrelationEngine, TemporalOrderedNeedsTheOrderAndAliasesTieTheVictim) {
  Harness h(kOrdered);
  const std::string attacker = "198.51.100.7", victim = "10.0.0.5", c2 = "203.0.113.9";
  h.engine.onEvent(alertEvent(1 * kSecond, attacker, victim, 1, "scan", {"mitre_tactic_id TA0043"}));
  h.engine.onEvent(alertEvent(2 * kSecond, attacker, victim, 2, "exploit", {"mitre_tactic_id TA0001"}));
  // C2 from another host: not the victim.
  h.engine.onEvent(alertEvent(3 * kSecond, "10.0.0.6", c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  EXPECT_THAT(h.sink.matches, IsEmpty());
  h.engine.onEvent(alertEvent(4 * kSecond, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011, mitre_technique_id T1071"}));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  const CorrelationMatch& m = h.sink.matches[0];
  EXPECT_THAT(m.group, ElementsAre(std::pair<std::string, std::string>("victim", victim)));
  EXPECT_THAT(m.stages, ElementsAre("recon", "exploit", "c2"));
  EXPECT_THAT(m.tactics, ElementsAre("TA0001", "TA0011", "TA0043"));
  EXPECT_THAT(m.techniques, ElementsAre("T1071"));
  EXPECT_THAT(m.signature_ids, ElementsAre(1, 2, 3));
  EXPECT_THAT(m.signatures, ElementsAre("scan", "exploit", "beacon"));
  EXPECT_EQ(m.severity, 1);
}

TEST(CorrelationEngine, MatchesNameTheirAlerts) {
  Harness h(kOrdered);
  const std::string attacker = "198.51.100.7", victim = "10.0.0.5", c2 = "203.0.113.9";
  std::vector<CorrelationEvent> story = {
      alertEvent(1 * kSecond, attacker, victim, 1, "scan", {"mitre_tactic_id TA0043"}),
      alertEvent(2 * kSecond, attacker, victim, 2, "exploit", {"mitre_tactic_id TA0001"}),
      alertEvent(4 * kSecond, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011"})};
  std::vector<uint64_t> ids;
  for (const CorrelationEvent& e : story) {
    ASSERT_NE(e.alert_id, 0u);
    ids.push_back(e.alert_id);
    h.engine.onEvent(e);
  }
  ASSERT_EQ(h.sink.matches.size(), 1u);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(h.sink.matches[0].alert_ids, ids);
}

TEST(CorrelationEngine, AResumedGroupCarriesOnWithoutBuildingUpAgain) {
  // After a restart the recon and the exploit are gone from the window; the open
  // incident's group is armed, so the next C2 alert continues it.
  Harness h(kOrdered);
  const std::string victim = "10.0.0.5", c2 = "203.0.113.9";
  EXPECT_TRUE(h.engine.resume("chain", {{"victim", victim}}, 100 * kSecond));
  EXPECT_FALSE(h.engine.resume("chain", {{"host", victim}}, 100 * kSecond)) << "the rule groups by victim";
  EXPECT_FALSE(h.engine.resume("no_such_rule", {{"victim", victim}}, 100 * kSecond));
  h.engine.onEvent(alertEvent(110 * kSecond, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_THAT(h.sink.matches[0].group, ElementsAre(std::pair<std::string, std::string>("victim", victim)));
  EXPECT_EQ(h.sink.matches[0].new_events, 1u);
  EXPECT_THAT(h.sink.matches[0].stages, ElementsAre("c2"));
  // Another victim's lone C2 alert is no story.
  h.engine.onEvent(alertEvent(111 * kSecond, "10.0.0.6", c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  EXPECT_EQ(h.sink.matches.size(), 1u);
}

TEST(CorrelationEngine, AResumedGroupQuietForATimespanIsForgotten) {
  Harness h(kCount);
  ASSERT_TRUE(h.engine.resume("many", {{"src_ip", "10.0.0.1"}}, 10 * kSecond));
  EXPECT_EQ(h.engine.groups(), 1u);
  h.engine.advance(71 * kSecond);  // 61 s after its incident was last seen
  EXPECT_EQ(h.engine.groups(), 0u);
  h.engine.onEvent(flowEvent(72 * kSecond, "10.0.0.1", "10.0.0.9", 80));
  EXPECT_THAT(h.sink.matches, IsEmpty()) << "one flow is below the threshold again";
}

TEST(CorrelationEngine, HeldBackEvidenceGoesOutWithinMaxHold) {
  // An hour-long window (beaconing) must not hold evidence back for an hour: the incident
  // it feeds would close for quiet in the meantime.
  CorrelationEngineConfig config;
  config.max_hold = 300 * kSecond;
  Harness h(R"(name: slow
correlation:
  type: event_count
  rules: [probe]
  group-by: [src_ip]
  timespan: 1h
  condition: {gte: 2}
)",
            config);
  for (int minute = 0; minute < 20; ++minute) {
    h.engine.onEvent(flowEvent(minute * 60 * kSecond, "10.0.0.1", "10.0.0.9", 8080));
  }
  // At the second flow, then every five minutes: 05:00-ish, 10:00, 15:00.
  ASSERT_EQ(h.sink.matches.size(), 4u);
  for (size_t i = 1; i < h.sink.matches.size(); ++i) {
    EXPECT_LE(h.sink.matches[i].last_seen - h.sink.matches[i - 1].last_seen, 300 * kSecond);
  }
}

TEST(CorrelationEngine, TemporalOrderedRejectsTheWrongOrder) {
  Harness h(kOrdered);
  const std::string attacker = "198.51.100.7", victim = "10.0.0.5", c2 = "203.0.113.9";
  h.engine.onEvent(alertEvent(1 * kSecond, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  h.engine.onEvent(alertEvent(2 * kSecond, attacker, victim, 2, "exploit", {"mitre_tactic_id TA0001"}));
  h.engine.onEvent(alertEvent(3 * kSecond, attacker, victim, 1, "scan", {"mitre_tactic_id TA0043"}));
  EXPECT_THAT(h.sink.matches, IsEmpty());
}

TEST(CorrelationEngine, TemporalIgnoresOrderButNotTheTimespan) {
  Harness h(R"(name: together
correlation:
  type: temporal
  rules: [recon, exploit, c2]
  group-by: [victim]
  aliases:
    victim: {recon: dest_ip, exploit: dest_ip, c2: src_ip}
  timespan: 10m
)");
  const std::string attacker = "198.51.100.7", victim = "10.0.0.5", c2 = "203.0.113.9";
  h.engine.onEvent(alertEvent(0, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  h.engine.onEvent(alertEvent(11 * 60 * kSecond, attacker, victim, 2, "exploit", {"mitre_tactic_id TA0001"}));
  h.engine.onEvent(alertEvent(12 * 60 * kSecond, attacker, victim, 1, "scan", {"mitre_tactic_id TA0043"}));
  EXPECT_THAT(h.sink.matches, IsEmpty());  // the beacon is out of the window
  h.engine.onEvent(alertEvent(13 * 60 * kSecond, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_THAT(h.sink.matches[0].stages, ElementsAre("exploit", "recon", "c2"));
}

TEST(CorrelationEngine, TemporalOrderedPlacesALateEventInItsOrder) {
  Harness h(kOrdered);
  const std::string attacker = "198.51.100.7", victim = "10.0.0.5", c2 = "203.0.113.9";
  h.engine.onEvent(alertEvent(10 * kSecond, attacker, victim, 1, "scan", {"mitre_tactic_id TA0043"}));
  h.engine.onEvent(alertEvent(30 * kSecond, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  EXPECT_THAT(h.sink.matches, IsEmpty());
  // The exploit arrives late, but happened between the scan and the beacon.
  h.engine.onEvent(alertEvent(20 * kSecond, attacker, victim, 2, "exploit", {"mitre_tactic_id TA0001"}));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_THAT(h.sink.matches[0].stages, ElementsAre("recon", "exploit", "c2"));
}

TEST(CorrelationEngine, TemporalOrderedForgetsAChainWhoseStartLeftTheWindow) {
  Harness h(kOrdered);
  const std::string attacker = "198.51.100.7", victim = "10.0.0.5", c2 = "203.0.113.9";
  h.engine.onEvent(alertEvent(0, attacker, victim, 1, "scan", {"mitre_tactic_id TA0043"}));
  h.engine.onEvent(alertEvent(50 * 60 * kSecond, attacker, victim, 2, "exploit", {"mitre_tactic_id TA0001"}));
  // An hour after the scan: exploit and C2 are in order, the scan is gone.
  h.engine.onEvent(alertEvent(61 * 60 * kSecond, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  EXPECT_THAT(h.sink.matches, IsEmpty());
  h.engine.onEvent(alertEvent(62 * 60 * kSecond, attacker, victim, 1, "scan", {"mitre_tactic_id TA0043"}));
  h.engine.onEvent(alertEvent(63 * 60 * kSecond, attacker, victim, 2, "exploit", {"mitre_tactic_id TA0001"}));
  h.engine.onEvent(alertEvent(64 * 60 * kSecond, victim, c2, 3, "beacon", {"mitre_tactic_id TA0011"}));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_EQ(h.sink.matches[0].first_seen, 50 * 60 * kSecond);
}

TEST(CorrelationEngine, TemporalForgetsRulesWhoseEventsTheCapDropped) {
  CorrelationEngineConfig config;
  config.max_events_per_group = 3;
  Harness h(R"(name: together
correlation:
  type: temporal
  rules: [recon, exploit, c2]
  group-by: [src_ip]
  timespan: 1h
)",
            config);
  auto alert = [&](int second, uint32_t sid, const char* tactic) {
    h.engine.onEvent(alertEvent(second * kSecond, "10.0.0.5", "10.0.0.9", sid, "alert", {std::string("mitre_tactic_id ") + tactic}));
  };
  alert(1, 1, "TA0043");
  alert(2, 2, "TA0001");
  alert(3, 2, "TA0001");
  alert(4, 3, "TA0011");
  EXPECT_THAT(h.sink.matches, IsEmpty());  // the scan was dropped for the cap
  alert(5, 1, "TA0043");                   // drops the first exploit; the second remains
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_THAT(h.sink.matches[0].stages, ElementsAre("exploit", "c2", "recon"));
}

TEST(CorrelationEngine, ChainedCorrelationSeesMatchesAsEvents) {
  Harness h(kCount + R"(---
name: persistent
level: high
correlation:
  type: temporal_ordered
  rules: [many, c2]
  group-by: [src_ip]
  timespan: 1h
)");
  for (int i = 0; i < 3; ++i) h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.1", "10.0.0.9", 80 + i));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  h.engine.onEvent(alertEvent(100 * kSecond, "10.0.0.1", "203.0.113.9", 3, "beacon", {"mitre_tactic_id TA0011"}));
  ASSERT_EQ(h.sink.matches.size(), 2u);
  const CorrelationMatch& m = h.sink.matches[1];
  EXPECT_EQ(m.rule, "persistent");
  EXPECT_THAT(m.stages, ElementsAre("many", "c2"));
  // The inner match's evidence comes along.
  EXPECT_THAT(m.dest_ports, ElementsAre(80, 81, 82));
  EXPECT_THAT(m.techniques, ElementsAre("T1046"));
}

TEST(CorrelationEngine, MaxJitterSeparatesRegularFromIrregular) {
  const std::string rule = R"(name: regular
correlation:
  type: event_count
  rules: [probe]
  group-by: [src_ip, dest_ip]
  timespan: 1h
  condition: {gte: 6, max-jitter: 0.2}
)";
  Harness regular(rule), irregular(rule);
  const TimeUs gaps[] = {60, 62, 58, 61, 59, 60};
  const TimeUs uneven[] = {5, 200, 30, 400, 10, 90};
  TimeUs t = 0, u = 0;
  for (int i = 0; i < 6; ++i) {
    regular.engine.onEvent(flowEvent(t += gaps[i] * kSecond, "10.0.0.1", "203.0.113.9", 443));
    irregular.engine.onEvent(flowEvent(u += uneven[i] * kSecond, "10.0.0.1", "203.0.113.9", 443));
  }
  EXPECT_EQ(regular.sink.matches.size(), 1u);
  EXPECT_THAT(irregular.sink.matches, IsEmpty());
}

TEST(CorrelationEngine, GroupCapEvictsTheLeastRecentlyActive) {
  CorrelationEngineConfig config;
  config.max_groups_per_rule = 2;
  Harness h(kCount, config);
  h.engine.onEvent(flowEvent(1 * kSecond, "10.0.0.1", "10.0.0.9", 80));
  h.engine.onEvent(flowEvent(2 * kSecond, "10.0.0.2", "10.0.0.9", 80));
  h.engine.onEvent(flowEvent(3 * kSecond, "10.0.0.1", "10.0.0.9", 80));  // 10.0.0.2 is now the oldest
  h.engine.onEvent(flowEvent(4 * kSecond, "10.0.0.3", "10.0.0.9", 80));  // evicts 10.0.0.2
  EXPECT_EQ(h.engine.groups(), 2u);
  EXPECT_EQ(h.engine.counters()[0].evictions, 1u);
  h.engine.onEvent(flowEvent(5 * kSecond, "10.0.0.1", "10.0.0.9", 80));
  ASSERT_EQ(h.sink.matches.size(), 1u);  // 10.0.0.1 kept its two events
  h.engine.onEvent(flowEvent(6 * kSecond, "10.0.0.2", "10.0.0.9", 80));
  h.engine.onEvent(flowEvent(7 * kSecond, "10.0.0.2", "10.0.0.9", 80));
  EXPECT_EQ(h.sink.matches.size(), 1u);  // 10.0.0.2 starts again from nothing
  EXPECT_EQ(h.engine.counters()[0].evictions, 2u);
}

TEST(CorrelationEngine, EventCapPerGroupDropsTheOldest) {
  CorrelationEngineConfig config;
  config.max_events_per_group = 4;
  Harness h(kCount, config);
  for (int i = 0; i < 6; ++i) h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.1", "10.0.0.9", 80));
  h.engine.flush();
  EXPECT_EQ(h.engine.counters()[0].dropped_events, 2u);
  EXPECT_EQ(h.sink.matches.back().events, 4u);
}

TEST(CorrelationEngine, MemcapHoldsAFloodOfSourcesAndEveryByteComesBack) {
  CorrelationEngineConfig config;
  config.memcap = 256 << 10;
  Harness capped(kCount, config), free(kCount);
  // 20 000 sources, one flow each: every one a group, as a flood of random sources makes.
  for (uint32_t i = 0; i < 20'000; ++i) {
    const std::string src = "10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." +
                            std::to_string(i & 255);
    capped.engine.onEvent(flowEvent(i * 1000, src, "10.9.9.9", 80));
    free.engine.onEvent(flowEvent(i * 1000, src, "10.9.9.9", 80));
    ASSERT_LE(capped.engine.memoryBytes(), config.memcap + 4096) << "after source " << i;
  }
  EXPECT_EQ(free.engine.groups(), 10'000u) << "only max-groups-per-rule holds the uncapped engine";
  EXPECT_GT(free.engine.memoryBytes(), config.memcap);
  EXPECT_LT(capped.engine.groups(), 10'000u);
  EXPECT_GT(capped.engine.groups(), 100u);
  EXPECT_GT(capped.engine.memcapHits(), 0u);
  EXPECT_EQ(capped.engine.counters()[0].evictions, capped.engine.memcapHits());
  EXPECT_EQ(free.engine.memcapHits(), 0u);
  // Groups age out of their timespan: what they were charged is all given back.
  capped.engine.advance(20'000 * 1000 + 61 * kSecond);
  EXPECT_EQ(capped.engine.groups(), 0u);
  EXPECT_EQ(capped.engine.memoryBytes(), 0u);
}

TEST(CorrelationEngine, MemcapOnOneGroupDropsItsOldestEventsAndStillFires) {
  CorrelationEngineConfig config;
  config.memcap = 16 << 10;
  Harness h(kCount, config);
  for (int i = 0; i < 2000; ++i) h.engine.onEvent(flowEvent(i * 1000, "10.0.0.1", "10.0.0.9", 80));
  EXPECT_LE(h.engine.memoryBytes(), config.memcap);
  EXPECT_EQ(h.engine.groups(), 1u);
  EXPECT_GT(h.engine.counters()[0].dropped_events, 0u);
  EXPECT_EQ(h.engine.counters()[0].dropped_events, h.engine.memcapHits());
  h.engine.flush();
  ASSERT_FALSE(h.sink.matches.empty()) << "the events it kept still make the count";
  EXPECT_EQ(h.engine.memoryBytes(), 0u);
}

TEST(CorrelationEngine, SameStreamSameMatches) {
  auto run = [] {
    Harness h(kCount + "---\n" + kOrdered);
    for (int i = 0; i < 200; ++i) {
      const std::string src = "10.0.0." + std::to_string(i % 3);
      h.engine.onEvent(flowEvent(i * kSecond, src, "10.9.9." + std::to_string(i % 3), static_cast<uint16_t>(i)));
      if (i % 11 == 0) h.engine.onEvent(alertEvent(i * kSecond, src, "10.0.0.5", 1, "scan", {"mitre_tactic_id TA0043"}));
    }
    h.engine.flush();
    std::vector<std::string> out;
    for (const auto& m : h.sink.matches) {
      out.push_back(m.rule + m.group[0].second + std::to_string(m.events) + std::to_string(m.last_seen));
    }
    return out;
  };
  std::vector<std::string> first = run();
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, run());
}


// An incident record as a sensor's EVE holds it, for the central to correlate.
CorrelationEvent incidentRecord(TimeUs ts, const std::string& sensor, const std::string& source,
                                const std::vector<std::string>& hosts) {
  std::string list;
  for (const std::string& h : hosts) list += (list.empty() ? "\"" : ",\"") + h + "\"";
  const std::string json = "{\"timestamp\":\"2023-11-14T22:13:" + std::to_string(20 + ts / kSecond) +
                           ".000000+0000\",\"host\":\"" + sensor + "\",\"event_type\":\"incident\",\"incident\":{" +
                           "\"id\":1,\"rule\":\"port_scan\",\"source\":\"" + source + "\",\"hosts\":[" + list + "]}}";
  auto e = CorrelationEvent::fromEve(json);
  EXPECT_TRUE(e) << json;
  return e ? *e : CorrelationEvent{};
}

const std::string kCampaign = R"(name: sensor_incident
detection:
  s: {event_type: incident}
  condition: s
---
name: campaign
title: Campaign
level: high
correlation:
  type: value_count
  rules: [sensor_incident]
  group-by: [src_ip]
  timespan: 1h
  condition: {field: host, gte: 2}
)";

TEST(CorrelationEngine, MatchesNameTheSensorsAndHostsOfRecordsReadFromEve) {
  Harness h(kCampaign);
  h.engine.onEvent(incidentRecord(1 * kSecond, "tokyo-1", "203.0.113.66", {"203.0.113.66", "10.0.0.5"}));
  h.engine.onEvent(incidentRecord(2 * kSecond, "tokyo-1", "203.0.113.66", {"203.0.113.66", "10.0.0.6"}));
  h.engine.onEvent(incidentRecord(3 * kSecond, "tokyo-1", "198.51.100.1", {"198.51.100.1"}));
  EXPECT_THAT(h.sink.matches, IsEmpty()) << "one sensor alone is no campaign";
  h.engine.onEvent(incidentRecord(4 * kSecond, "osaka-2", "203.0.113.66", {"203.0.113.66", "2001:db8::9"}));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  const CorrelationMatch& m = h.sink.matches[0];
  EXPECT_EQ(m.group, (std::vector<std::pair<std::string, std::string>>{{"src_ip", "203.0.113.66"}}));
  EXPECT_THAT(m.sensors, ElementsAre("osaka-2", "tokyo-1"));
  // Every incident's hosts, in IpAddress order.
  EXPECT_THAT(m.hosts, ElementsAre(ip("10.0.0.5"), ip("10.0.0.6"), ip("2001:db8::9"), ip("203.0.113.66")));
}

TEST(CorrelationEngine, SensorsAreCappedAndInheritedByTheRulesReadingAMatch) {
  CorrelationEngineConfig config;
  config.max_evidence = 2;
  Harness h(kCampaign + R"(---
name: repeated_campaign
correlation:
  type: event_count
  rules: [campaign]
  group-by: [src_ip]
  timespan: 1h
  condition: {gte: 1}
)",
            config);
  for (const char* sensor : {"c-3", "a-1", "b-2"}) {
    h.engine.onEvent(incidentRecord(1 * kSecond, sensor, "203.0.113.66", {"203.0.113.66"}));
  }
  h.engine.flush();  // the evidence held back since the first match: all three sensors
  ASSERT_EQ(h.sink.rules(),
            (std::vector<std::string>{"campaign", "repeated_campaign", "campaign", "repeated_campaign"}));
  EXPECT_EQ(h.sink.matches[2].events, 3u);
  // The first two seen: a third sensor does not displace them.
  EXPECT_THAT(h.sink.matches[2].sensors, ElementsAre("a-1", "c-3"));
  EXPECT_THAT(h.sink.matches[3].sensors, ElementsAre("a-1", "c-3")) << "inherited from the campaign's match";
}

TEST(CorrelationEngine, TheSensorsOwnEventsNameNoSensor) {
  Harness h(kCount);
  for (int i = 0; i < 3; ++i) h.engine.onEvent(flowEvent(i * kSecond, "10.0.0.1", "10.0.0.9", 80));
  ASSERT_EQ(h.sink.matches.size(), 1u);
  EXPECT_THAT(h.sink.matches[0].sensors, IsEmpty());
}

}  // namespace
}  // namespace mamori::test
