#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "correlate/correlation_match.h"
#include "correlate/incident.h"
#include "correlate/incident_manager.h"

namespace mamori {
namespace {

constexpr TimeUs kSecond = 1'000'000;
constexpr TimeUs kT0 = 1'700'000'000 * kSecond;

struct CollectingSink : IncidentSink {
  std::vector<Incident> incidents;
  void onIncident(const Incident& i) override { incidents.push_back(i); }
  std::vector<IncidentState> states() const {
    std::vector<IncidentState> out;
    for (const Incident& i : incidents) out.push_back(i.state);
    return out;
  }
};

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

// A port scan match from `src`: the shape the engine hands over for a value_count rule
// grouped by src_ip.
CorrelationMatch scan(TimeUs first, TimeUs last, const char* src = "203.0.113.66", uint64_t events = 20) {
  CorrelationMatch m;
  m.rule = "port_scan";
  m.title = "Port scan";
  m.severity = 3;
  m.group = {{"src_ip", src}};
  m.first_seen = first;
  m.last_seen = last;
  m.events = m.new_events = events;
  m.hosts = {ip(src), ip("192.0.2.10")};
  m.dest_ports = {22, 80};
  m.flow_ids = {7};
  m.tactics = {"TA0043"};
  m.techniques = {"T1046"};
  return m;
}

CorrelationMatch intrusion(TimeUs at, std::vector<std::string> stages) {
  CorrelationMatch m;
  m.rule = "multi_stage";
  m.title = "Multi-stage intrusion";
  m.severity = 3;
  m.group = {{"src_ip", "10.0.0.5"}};
  m.first_seen = m.last_seen = at;
  m.events = m.new_events = stages.size();
  m.stages = std::move(stages);
  return m;
}

using States = std::vector<IncidentState>;
constexpr auto Open = IncidentState::Open;
constexpr auto Updated = IncidentState::Updated;
constexpr auto Closed = IncidentState::Closed;

TEST(IncidentManagerTest, OpensUpdatesAndClosesOnInactivity) {
  CollectingSink sink;
  IncidentManagerConfig config;
  config.inactivity = 10 * 60 * kSecond;
  config.update_interval = 60 * kSecond;
  IncidentManager m(sink, config);
  m.onMatch(scan(kT0, kT0 + 5 * kSecond));
  EXPECT_EQ(sink.states(), States{Open});

  // New evidence inside the update interval is held back until the interval ends.
  CorrelationMatch more = scan(kT0 + 10 * kSecond, kT0 + 20 * kSecond);
  more.dest_ports = {443};
  m.onMatch(more);
  EXPECT_EQ(sink.states(), States{Open});
  m.advance(kT0 + 64 * kSecond);
  EXPECT_EQ(sink.states(), States{Open});
  m.advance(kT0 + 65 * kSecond);
  EXPECT_EQ(sink.states(), (States{Open, Updated}));
  EXPECT_EQ(sink.incidents.back().dest_ports, (std::vector<uint16_t>{22, 80, 443}));
  m.advance(kT0 + 300 * kSecond);  // nothing new: no further update
  EXPECT_EQ(sink.states(), (States{Open, Updated}));

  // Inactivity counts from the last match's last event; exactly `inactivity` stays open.
  m.advance(kT0 + 20 * kSecond + config.inactivity);
  EXPECT_EQ(m.openIncidents(), 1u);
  m.advance(kT0 + 20 * kSecond + config.inactivity + 1);
  EXPECT_EQ(m.openIncidents(), 0u);
  EXPECT_EQ(sink.states(), (States{Open, Updated, Closed}));
  EXPECT_EQ(sink.incidents.back().alert_count, 40u);

  // The same group after the quiet period is a new incident with a new id.
  m.onMatch(scan(kT0 + 3600 * kSecond, kT0 + 3605 * kSecond));
  EXPECT_EQ(sink.states(), (States{Open, Updated, Closed, Open}));
  EXPECT_NE(sink.incidents.back().id, sink.incidents[0].id);
  EXPECT_EQ(m.counters().incidents_opened, 2u);
  EXPECT_EQ(m.counters().incidents_closed, 1u);
  EXPECT_EQ(m.counters().updates_emitted, 1u);
  EXPECT_EQ(m.counters().matches, 3u);
}

TEST(IncidentManagerTest, AMatchAfterInactivityClosesTheOldIncidentWithoutAdvance) {
  CollectingSink sink;
  IncidentManager m(sink);
  m.onMatch(scan(kT0, kT0));
  m.onMatch(scan(kT0 + 3600 * kSecond, kT0 + 3600 * kSecond));
  EXPECT_EQ(sink.states(), (States{Open, Closed, Open}));
}

TEST(IncidentManagerTest, RepeatsOfOneGroupUpdateOneIncidentWithMergedEvidence) {
  CollectingSink sink;
  IncidentManagerConfig config;
  config.update_interval = 0;  // every match emits, so each snapshot can be checked
  IncidentManager m(sink, config);
  CorrelationMatch first = scan(kT0 + 5 * kSecond, kT0 + 9 * kSecond);
  first.signature_ids = {2000200, 2000100};
  first.signatures = {"ET SCAN b", "ET SCAN a"};  // same order as the ids, which need not be sorted
  first.domains = {"b.example"};
  CorrelationMatch second = scan(kT0, kT0 + 30 * kSecond);  // reaches back earlier
  second.hosts = {ip("203.0.113.66"), ip("192.0.2.3"), ip("192.0.2.10")};
  second.dest_ports = {80, 8080};
  second.flow_ids = {3, 7};
  second.signature_ids = {2000150};
  second.signatures = {"ET SCAN c"};
  second.domains = {"a.example"};
  second.tactics = {"TA0007"};
  second.techniques = {"T1018"};
  m.onMatch(first);
  m.onMatch(second);
  m.flush();

  ASSERT_EQ(sink.states(), (States{Open, Updated, Closed}));
  for (const Incident& i : sink.incidents) EXPECT_EQ(i.id, sink.incidents[0].id);
  EXPECT_NE(sink.incidents[0].id, 0u);
  EXPECT_LT(sink.incidents[0].id, 1ULL << 53);
  const Incident& last = sink.incidents.back();
  EXPECT_EQ(last.rule, "port_scan");
  EXPECT_EQ(last.group_key, "src_ip=203.0.113.66");
  EXPECT_EQ(last.title, "Port scan from 203.0.113.66");
  EXPECT_EQ(last.source, ip("203.0.113.66"));
  EXPECT_EQ(last.targets, (std::vector<IpAddress>{ip("192.0.2.3"), ip("192.0.2.10")}));
  EXPECT_EQ(last.dest_ports, (std::vector<uint16_t>{22, 80, 8080}));
  EXPECT_EQ(last.flow_ids, (std::vector<uint64_t>{3, 7}));
  EXPECT_EQ(last.signature_ids, (std::vector<uint32_t>{2000100, 2000150, 2000200}));
  EXPECT_EQ(last.signatures, (std::vector<std::string>{"ET SCAN a", "ET SCAN c", "ET SCAN b"}));
  EXPECT_EQ(last.domains, (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_EQ(last.tactics, (std::vector<std::string>{"TA0007", "TA0043"}));
  EXPECT_EQ(last.techniques, (std::vector<std::string>{"T1018", "T1046"}));
  EXPECT_EQ(last.alert_count, 40u);
  EXPECT_EQ(last.first_seen, kT0);
  EXPECT_EQ(last.last_seen, kT0 + 30 * kSecond);
  EXPECT_EQ(last.severity, 3);
  EXPECT_EQ(m.counters().incidents_opened, 1u);
}

TEST(IncidentManagerTest, OtherGroupsAndOtherRulesAreOtherIncidents) {
  CollectingSink sink;
  IncidentManager m(sink);
  m.onMatch(scan(kT0, kT0, "203.0.113.66"));
  m.onMatch(scan(kT0, kT0, "203.0.113.67"));
  CorrelationMatch sweep = scan(kT0, kT0, "203.0.113.66");
  sweep.rule = "host_sweep";
  m.onMatch(sweep);
  EXPECT_EQ(m.openIncidents(), 3u);
  ASSERT_EQ(sink.states(), (States{Open, Open, Open}));
  EXPECT_NE(sink.incidents[0].id, sink.incidents[1].id);
  EXPECT_NE(sink.incidents[0].id, sink.incidents[2].id);
  EXPECT_NE(sink.incidents[1].id, sink.incidents[2].id);
}

TEST(IncidentManagerTest, TitleAndHostsFollowTheGroup) {
  CollectingSink sink;
  IncidentManager m(sink);
  CorrelationMatch brute;
  brute.rule = "brute_force";
  brute.title = "Brute force";
  brute.group = {{"dest_ip", "192.0.2.10"}, {"dest_port", "22"}, {"src_ip", "198.51.100.1"}};
  brute.hosts = {ip("198.51.100.1"), ip("198.51.100.2"), ip("192.0.2.10")};
  m.onMatch(brute);
  CorrelationMatch tunnel;
  tunnel.rule = "dns_tunnel";
  tunnel.title = "DNS tunnelling";
  tunnel.group = {{"dns.base_domain", "t.example"}};
  m.onMatch(tunnel);
  CorrelationMatch untitled;
  untitled.rule = "beacon";
  m.onMatch(untitled);
  CorrelationMatch intrusion;
  intrusion.rule = "multi_stage";
  intrusion.title = "Multi-stage intrusion";
  intrusion.group = {{"victim", "192.0.2.80"}};
  m.onMatch(intrusion);
  ASSERT_EQ(sink.incidents.size(), 4u);

  // The first IP-valued group field is the source, whatever its name; the title says
  // which way each address points.
  const Incident& b = sink.incidents[0];
  EXPECT_EQ(b.title, "Brute force to 192.0.2.10 from 198.51.100.1 (dest_port 22)");
  EXPECT_EQ(b.source, ip("192.0.2.10"));
  EXPECT_EQ(b.targets, (std::vector<IpAddress>{ip("198.51.100.1"), ip("198.51.100.2")}));
  EXPECT_EQ(b.group_key, "dest_ip=192.0.2.10,dest_port=22,src_ip=198.51.100.1");

  EXPECT_EQ(sink.incidents[1].title, "DNS tunnelling (dns.base_domain t.example)");
  EXPECT_EQ(sink.incidents[1].source.family, 0);  // no address in the group: no source
  EXPECT_EQ(sink.incidents[2].title, "beacon");
  EXPECT_EQ(sink.incidents[2].group_key, "");
  // An alias names neither direction: the incident is about that host.
  EXPECT_EQ(sink.incidents[3].title, "Multi-stage intrusion on 192.0.2.80");
  EXPECT_EQ(sink.incidents[3].source, ip("192.0.2.80"));
}

TEST(IncidentManagerTest, GroupKeysReadBackAsTheirGroup) {
  using Group = std::vector<std::pair<std::string, std::string>>;
  for (const Group& group : {Group{}, Group{{"src_ip", "10.0.0.1"}},
                             Group{{"a", "b,c=d"}, {"e\\", "f\\,"}, {"dns.rrname.domain", ""}}}) {
    EXPECT_EQ(IncidentManager::parseGroupKey(IncidentManager::groupKey(group)), group) << IncidentManager::groupKey(group);
  }
}

TEST(IncidentManagerTest, GroupKeysOfDifferentGroupsDiffer) {
  EXPECT_NE(IncidentManager::groupKey({{"a", "b,c=d"}}), IncidentManager::groupKey({{"a", "b"}, {"c", "d"}}));
  EXPECT_NE(IncidentManager::groupKey({{"a", "b\\"}, {"c", "d"}}), IncidentManager::groupKey({{"a", "b\\,c=d"}}));
  EXPECT_EQ(IncidentManager::groupKey({{"a", "b,c"}}), "a=b\\,c");
}

TEST(IncidentManagerTest, SeverityRisesWithStagesAndVolumeAndGoesOutAtOnce) {
  CollectingSink sink;
  IncidentManager m(sink);  // a 60 s update interval: only a rise bypasses it
  m.onMatch(intrusion(kT0, {"recon", "exploit"}));
  EXPECT_EQ(sink.incidents.back().severity, 3);
  m.onMatch(intrusion(kT0 + 1, {"exploit", "c2"}));  // third stage: one step
  ASSERT_EQ(sink.states(), (States{Open, Updated}));
  EXPECT_EQ(sink.incidents.back().severity, 2);

  // Volume: the first match measured 2 events; one measuring 20 (10x) is one more step.
  // The count adds up the events new in each match, not their overlapping windows.
  CorrelationMatch repeat = intrusion(kT0 + 2, {"c2"});
  repeat.events = 19;
  repeat.new_events = 17;
  m.onMatch(repeat);  // 19: held back
  EXPECT_EQ(sink.states(), (States{Open, Updated}));
  repeat.events = 20;
  repeat.new_events = 1;
  m.onMatch(repeat);
  ASSERT_EQ(sink.states(), (States{Open, Updated, Updated}));
  EXPECT_EQ(sink.incidents.back().severity, 1);
  EXPECT_EQ(sink.incidents.back().alert_count, 2u + 2u + 17u + 1u);

  // Never beyond 1, never lowered by a less severe match.
  CorrelationMatch low = intrusion(kT0 + 3, {"c2"});
  low.severity = 4;
  m.onMatch(low);
  m.flush();
  EXPECT_EQ(sink.incidents.back().severity, 1);
}

TEST(IncidentManagerTest, SeverityStartsAtTheRulesAndRisesAtOpenWhenTheStoryIsLong) {
  CollectingSink sink;
  IncidentManager m(sink);
  CorrelationMatch high = scan(kT0, kT0);
  high.severity = 2;
  m.onMatch(high);
  m.onMatch(intrusion(kT0, {"recon", "exploit", "c2"}));
  ASSERT_EQ(sink.incidents.size(), 2u);
  EXPECT_EQ(sink.incidents[0].severity, 2);
  EXPECT_EQ(sink.incidents[1].severity, 2);
}

TEST(IncidentManagerTest, StagesKeepFirstSeenOrderAndANewStageGoesOutAtOnce) {
  CollectingSink sink;
  IncidentManager m(sink);
  m.onMatch(intrusion(kT0, {"recon"}));
  m.onMatch(intrusion(kT0 + 1, {"recon"}));  // nothing new but the count: held back
  EXPECT_EQ(sink.states(), States{Open});
  m.onMatch(intrusion(kT0 + 2, {"recon", "exploit"}));
  ASSERT_EQ(sink.states(), (States{Open, Updated}));
  EXPECT_EQ(sink.incidents.back().stages, (std::vector<std::string>{"recon", "exploit"}));
  m.onMatch(intrusion(kT0 + 3, {"c2", "exploit", "recon"}));
  EXPECT_EQ(sink.incidents.back().stages, (std::vector<std::string>{"recon", "exploit", "c2"}));
}

TEST(IncidentManagerTest, ClosingSendsHeldBackEvidenceFirst) {
  CollectingSink sink;
  IncidentManager m(sink);
  m.onMatch(scan(kT0, kT0));
  m.onMatch(scan(kT0 + kSecond, kT0 + kSecond, "203.0.113.66", 5));
  m.flush();
  ASSERT_EQ(sink.states(), (States{Open, Updated, Closed}));
  EXPECT_EQ(sink.incidents[1].alert_count, 25u);
  EXPECT_EQ(m.counters().incidents_closed, 1u);
  EXPECT_EQ(m.openIncidents(), 0u);
}

TEST(IncidentManagerTest, EvidenceListsAreBounded) {
  CollectingSink sink;
  IncidentManagerConfig config;
  config.max_evidence = 3;
  IncidentManager m(sink, config);
  for (int i = 0; i < 10; ++i) {
    std::string n = std::to_string(i);
    CorrelationMatch match = intrusion(kT0 + i, {"stage" + n});
    match.hosts = {ip(("192.0.2." + n).c_str())};
    match.dest_ports = {static_cast<uint16_t>(1000 + i)};
    match.domains = {n + ".example"};
    match.signature_ids = {static_cast<uint32_t>(100 + i)};
    match.signatures = {"sig " + n};
    match.flow_ids = {static_cast<uint64_t>(i)};
    match.tactics = {"TA000" + n};
    match.techniques = {"T100" + n};
    m.onMatch(match);
  }
  m.flush();
  const Incident& last = sink.incidents.back();
  EXPECT_EQ(last.alert_count, 10u);
  EXPECT_EQ(last.targets.size(), 3u);
  EXPECT_EQ(last.dest_ports.size(), 3u);
  EXPECT_EQ(last.domains.size(), 3u);
  EXPECT_EQ(last.signature_ids.size(), 3u);
  EXPECT_EQ(last.signatures, (std::vector<std::string>{"sig 0", "sig 1", "sig 2"}));
  EXPECT_EQ(last.flow_ids.size(), 3u);
  EXPECT_EQ(last.tactics.size(), 3u);
  EXPECT_EQ(last.techniques.size(), 3u);
  EXPECT_EQ(last.stages, (std::vector<std::string>{"stage0", "stage1", "stage2"}));
}

TEST(IncidentManagerTest, EvictsTheLeastRecentlyActiveWhenFull) {
  CollectingSink sink;
  IncidentManagerConfig config;
  config.max_open_incidents = 2;
  IncidentManager m(sink, config);
  m.onMatch(scan(kT0, kT0, "10.0.0.1"));
  m.onMatch(scan(kT0 + 1, kT0 + 1, "10.0.0.2"));
  m.onMatch(scan(kT0 + 2, kT0 + 2, "10.0.0.1"));  // 10.0.0.1 is now the most recent
  m.onMatch(scan(kT0 + 3, kT0 + 3, "10.0.0.3"));
  EXPECT_EQ(m.openIncidents(), 2u);
  EXPECT_EQ(m.counters().incidents_evicted, 1u);
  EXPECT_EQ(m.counters().incidents_closed, 1u);
  std::vector<std::string> closed;
  for (const Incident& i : sink.incidents) {
    if (i.state == Closed) closed.push_back(i.group_key);
  }
  EXPECT_EQ(closed, std::vector<std::string>{"src_ip=10.0.0.2"});

  // The evicted group starts over as a new incident.
  m.onMatch(scan(kT0 + 4, kT0 + 4, "10.0.0.2"));
  EXPECT_EQ(sink.incidents.back().state, Open);
  EXPECT_EQ(sink.incidents.back().group_key, "src_ip=10.0.0.2");
  EXPECT_EQ(m.counters().incidents_opened, 4u);
  EXPECT_EQ(m.openIncidents(), 2u);
}

// What a consumer sees, in order, reduced to what must not vary between runs.
std::vector<std::string> transcript(const CollectingSink& sink) {
  std::vector<std::string> out;
  for (const Incident& i : sink.incidents) {
    out.push_back(std::to_string(i.id) + " " + incidentStateName(i.state) + " " + i.title + " sev " +
                  std::to_string(i.severity) + " n " + std::to_string(i.alert_count));
  }
  return out;
}

std::vector<CorrelationMatch> story() {
  std::vector<CorrelationMatch> matches;
  for (int i = 0; i < 5; ++i) {
    std::string host = "203.0.113." + std::to_string(60 + i);
    matches.push_back(scan(kT0 + i * kSecond, kT0 + (i + 10) * kSecond, host.c_str()));
  }
  matches.push_back(intrusion(kT0 + 20 * kSecond, {"recon"}));
  matches.push_back(intrusion(kT0 + 90 * kSecond, {"exploit", "c2"}));
  matches.push_back(scan(kT0 + 100 * kSecond, kT0 + 200 * kSecond, "203.0.113.60"));
  return matches;
}

TEST(IncidentManagerTest, SameMatchesGiveSameIncidentsAndIds) {
  auto runOnce = [](TimeUs advance_step) {
    CollectingSink sink;
    IncidentManager m(sink);
    for (const CorrelationMatch& match : story()) m.onMatch(match);
    // However often the pipeline calls advance(), the same incidents close in the same order.
    for (TimeUs t = kT0 + 200 * kSecond; t <= kT0 + 3600 * kSecond; t += advance_step) m.advance(t);
    m.flush();
    return transcript(sink);
  };
  std::vector<std::string> once = runOnce(3400 * kSecond);
  EXPECT_EQ(once, runOnce(3400 * kSecond));
  EXPECT_EQ(once, runOnce(kSecond));
  EXPECT_EQ(once.size(), 14u);  // 6 incidents: 6 opens, a new stage, a repeated scan, 6 closes
}

TEST(IncidentManagerTest, AnIncidentsIdDependsOnlyOnRuleGroupAndItsOpeningMatchsTimes) {
  CollectingSink alone, crowded;
  IncidentManager a(alone), b(crowded);
  a.onMatch(scan(kT0, kT0 + 10));
  b.onMatch(scan(kT0 - 5, kT0 - 5, "198.51.100.9"));
  b.onMatch(intrusion(kT0 - 1, {"recon"}));
  b.onMatch(scan(kT0, kT0 + 10));
  EXPECT_EQ(alone.incidents.back().id, crowded.incidents.back().id);

  CollectingSink later;
  IncidentManager c(later);
  c.onMatch(scan(kT0 + 1, kT0 + 10));
  EXPECT_NE(later.incidents.back().id, alone.incidents.back().id);
}

// A correlation whose timespan outlasts the inactivity matches again after its incident
// closed, its window still starting at the event that opened the first: a second incident,
// which must not take the first one's id (the store would write it over the first).
TEST(IncidentManagerTest, AGroupsNextIncidentHasItsOwnIdWhenItsWindowStartsWhereTheLastOnesDid) {
  CollectingSink sink;
  IncidentManagerConfig config;
  config.inactivity = 30 * kSecond;
  IncidentManager m(sink, config);
  m.onMatch(scan(kT0, kT0));
  m.advance(kT0 + 31 * kSecond);
  ASSERT_EQ(sink.states(), (States{Open, Closed}));
  m.onMatch(scan(kT0, kT0 + 900 * kSecond));
  ASSERT_EQ(sink.states(), (States{Open, Closed, Open}));
  EXPECT_NE(sink.incidents.back().id, sink.incidents.front().id);
}

TEST(IncidentManagerTest, SeveralClosingAtOnceCloseInOrderOfLastMatchThenId) {
  CollectingSink sink;
  IncidentManager m(sink);
  m.onMatch(scan(kT0, kT0 + 5, "10.0.0.3"));
  m.onMatch(scan(kT0, kT0 + 5, "10.0.0.1"));
  m.onMatch(scan(kT0, kT0 + 2, "10.0.0.2"));
  m.advance(kT0 + 3600 * kSecond);
  std::vector<const Incident*> closed;
  for (const Incident& i : sink.incidents) {
    if (i.state == Closed) closed.push_back(&i);
  }
  ASSERT_EQ(closed.size(), 3u);
  EXPECT_EQ(closed[0]->source, ip("10.0.0.2"));
  EXPECT_EQ(closed[1]->last_seen, kT0 + 5);
  EXPECT_LT(closed[1]->id, closed[2]->id);
}

// What an incident store keeps: the latest snapshot of every incident, by id.
struct StoringSink : IncidentSink {
  std::map<uint64_t, Incident> latest;
  void onIncident(const Incident& i) override { latest[i.id] = i; }
  std::vector<Incident> openOnes() const {
    std::vector<Incident> out;
    for (const auto& [id, i] : latest) {
      if (i.state != Closed) out.push_back(i);
    }
    return out;
  }
};

TEST(IncidentManagerTest, RestoredIncidentsContinueUnderTheirIds) {
  IncidentManagerConfig config;
  config.update_interval = 0;
  StoringSink store;
  {
    IncidentManager before(store, config);
    before.onMatch(intrusion(kT0, {"recon", "exploit", "c2"}));  // severity 3 -> 2
    before.onMatch(scan(kT0, kT0 + 10));
    // The process dies here: no flush.
  }
  std::vector<Incident> kept = store.openOnes();
  ASSERT_EQ(kept.size(), 2u);

  CollectingSink sink;
  IncidentManager after(sink, config);
  EXPECT_EQ(after.restore(kept).size(), 2u);
  EXPECT_TRUE(sink.incidents.empty());  // already in the store: nothing to say yet
  EXPECT_EQ(after.openIncidents(), 2u);
  EXPECT_EQ(after.counters().incidents_restored, 2u);

  after.onMatch(intrusion(kT0 + 30 * kSecond, {"exfiltration"}));
  ASSERT_EQ(sink.incidents.size(), 1u);
  const Incident& continued = sink.incidents[0];
  const Incident& stored = store.latest.at(continued.id);
  EXPECT_EQ(continued.state, Updated);
  EXPECT_EQ(continued.rule, "multi_stage");
  EXPECT_EQ(continued.first_seen, stored.first_seen);
  EXPECT_EQ(continued.stages, (std::vector<std::string>{"recon", "exploit", "c2", "exfiltration"}));
  EXPECT_EQ(continued.alert_count, 4u);
  EXPECT_EQ(continued.severity, 2);  // escalated once by the stages, not again on top of the stored 2
  EXPECT_EQ(after.counters().incidents_opened, 0u);

  // A restored incident also closes by inactivity, in packet time.
  after.advance(kT0 + 3600 * kSecond);
  EXPECT_EQ(after.openIncidents(), 0u);
  EXPECT_EQ(sink.states(), (States{Updated, Closed, Closed}));
}

TEST(IncidentManagerTest, ARestartedRunEndsWithTheSameIncidentsAsAnUninterruptedOne) {
  std::vector<CorrelationMatch> matches = story();
  StoringSink whole;
  {
    IncidentManager m(whole);
    for (const CorrelationMatch& match : matches) m.onMatch(match);
    m.flush();
  }
  StoringSink restarted;
  {
    IncidentManager first(restarted);
    for (size_t i = 0; i < 6; ++i) first.onMatch(matches[i]);
  }
  {
    IncidentManager second(restarted);
    second.restore(restarted.openOnes());
    for (size_t i = 6; i < matches.size(); ++i) second.onMatch(matches[i]);
    second.flush();
  }
  ASSERT_EQ(restarted.latest.size(), whole.latest.size());
  for (const auto& [id, incident] : whole.latest) {
    ASSERT_EQ(restarted.latest.count(id), 1u) << incident.title;
    const Incident& other = restarted.latest.at(id);
    EXPECT_EQ(other.state, Closed);
    EXPECT_EQ(other.alert_count, incident.alert_count) << incident.title;
    EXPECT_EQ(other.severity, incident.severity) << incident.title;
    EXPECT_EQ(other.stages, incident.stages) << incident.title;
    EXPECT_EQ(other.targets, incident.targets) << incident.title;
    EXPECT_EQ(other.last_seen, incident.last_seen) << incident.title;
  }
}

TEST(IncidentManagerTest, RestoreSkipsClosedForeignAndRepeatedIncidents) {
  StoringSink store;
  {
    IncidentManager before(store);
    before.onMatch(scan(kT0, kT0));
  }
  Incident kept = store.openOnes().at(0);
  Incident closed = kept;
  closed.state = Closed;
  closed.id += 1;
  closed.group_key = "src_ip=10.9.9.9";
  Incident per_host = kept;  // the per-host grouping's: no rule to continue it with
  per_host.rule = "";
  per_host.id += 2;

  CollectingSink sink;
  IncidentManager after(sink);
  EXPECT_EQ(after.restore({kept, closed, per_host, kept}).size(), 1u);
  EXPECT_EQ(after.openIncidents(), 1u);
  EXPECT_EQ(after.restore({kept}).size(), 0u);
}

TEST(IncidentManagerTest, RestoringMoreThanTheCapKeepsTheMostRecent) {
  StoringSink store;
  {
    IncidentManager before(store);
    for (int i = 0; i < 4; ++i) {
      std::string host = "10.0.0." + std::to_string(i);
      before.onMatch(scan(kT0 + i, kT0 + i, host.c_str()));
    }
  }
  std::vector<Incident> kept = store.openOnes();
  IncidentManagerConfig config;
  config.max_open_incidents = 2;
  CollectingSink sink;
  IncidentManager after(sink, config);
  const auto still_open = after.restore(kept);
  EXPECT_EQ(after.counters().incidents_restored, 4u);
  EXPECT_EQ(after.openIncidents(), 2u);
  ASSERT_EQ(still_open.size(), 2u);  // the engine resumes only these
  EXPECT_EQ(still_open[0]->source, ip("10.0.0.2"));
  EXPECT_EQ(still_open[1]->source, ip("10.0.0.3"));
  EXPECT_EQ(after.counters().incidents_evicted, 2u);
  ASSERT_EQ(sink.states(), (States{Closed, Closed}));  // the store learns they closed
  EXPECT_EQ(sink.incidents[0].source, ip("10.0.0.0"));
  EXPECT_EQ(sink.incidents[1].source, ip("10.0.0.1"));
}


TEST(IncidentManagerTest, IncidentsNameTheirSensorAndTheSensorsOfTheirEvidence) {
  CollectingSink sink;
  IncidentManagerConfig config;
  config.sensor = "central";
  config.update_interval = 0;
  config.max_evidence = 3;
  IncidentManager m(sink, config);
  CorrelationMatch first = scan(kT0, kT0 + 5 * kSecond);
  first.sensors = {"osaka-2", "tokyo-1"};
  CorrelationMatch second = scan(kT0, kT0 + 9 * kSecond);
  second.sensors = {"kobe-4", "nagoya-3", "osaka-2"};
  m.onMatch(first);
  m.onMatch(second);
  m.flush();
  ASSERT_EQ(sink.states(), (States{Open, Updated, Closed}));
  for (const Incident& i : sink.incidents) EXPECT_EQ(i.sensor, "central");
  EXPECT_EQ(sink.incidents[0].sensors, (std::vector<std::string>{"osaka-2", "tokyo-1"}));
  // Merged, sorted, unique, at most max_evidence.
  EXPECT_EQ(sink.incidents.back().sensors, (std::vector<std::string>{"kobe-4", "osaka-2", "tokyo-1"}));

  // A sensor's own incidents: its name, no sensors (its events name none).
  CollectingSink own;
  IncidentManagerConfig sensor_config;
  sensor_config.sensor = "tokyo-1";
  IncidentManager sensor(own, sensor_config);
  sensor.onMatch(scan(kT0, kT0 + 5 * kSecond));
  ASSERT_FALSE(own.incidents.empty());
  EXPECT_EQ(own.incidents[0].sensor, "tokyo-1");
  EXPECT_TRUE(own.incidents[0].sensors.empty());
  // Ids depend on the rule, group and times only: the two sensors' ids agree.
  EXPECT_EQ(own.incidents[0].id, sink.incidents[0].id);
}

}  // namespace
}  // namespace mamori
