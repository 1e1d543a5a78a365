#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "correlate/incident.h"
#include "correlate/incident_correlator.h"

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

Alert alert(TimeUs ts, const char* src, const char* dst, uint32_t sid, int severity = 3,
            uint16_t dport = 80, uint64_t flow = 1) {
  Alert a;
  a.ts = ts;
  a.src_ip = ip(src);
  a.dest_ip = ip(dst);
  a.dest_port = dport;
  a.flow_id = flow;
  a.sid = sid;
  a.severity = severity;
  a.signature = "sig " + std::to_string(sid);
  return a;
}

using States = std::vector<IncidentState>;
constexpr auto Open = IncidentState::Open;
constexpr auto Updated = IncidentState::Updated;
constexpr auto Closed = IncidentState::Closed;

TEST(IncidentStateTest, Names) {
  EXPECT_STREQ(incidentStateName(Open), "open");
  EXPECT_STREQ(incidentStateName(Updated), "updated");
  EXPECT_STREQ(incidentStateName(Closed), "closed");
}

TEST(IncidentCorrelatorTest, GroupsAlertsFromOneSourceAndCollectsEvidence) {
  CollectingSink sink;
  IncidentCorrelator c(sink);
  c.onAlert(alert(kT0, "10.0.0.5", "192.0.2.2", 200, 3, 443, 9));
  c.onAlert(alert(kT0 + 1 * kSecond, "10.0.0.5", "192.0.2.1", 100, 2, 80, 7));
  c.onAlert(alert(kT0 + 2 * kSecond, "10.0.0.5", "192.0.2.1", 200, 3, 80, 7));
  EXPECT_EQ(sink.states(), (States{Open, Updated}));  // the second raised severity 3 -> 2
  c.flush();
  EXPECT_EQ(sink.states(), (States{Open, Updated, Updated, Closed}));
  const Incident& last = sink.incidents.back();
  EXPECT_EQ(last.alert_count, 3u);
  EXPECT_EQ(last.severity, 2);
  EXPECT_EQ(last.source, ip("10.0.0.5"));
  EXPECT_EQ(last.targets, (std::vector<IpAddress>{ip("192.0.2.1"), ip("192.0.2.2")}));
  EXPECT_EQ(last.dest_ports, (std::vector<uint16_t>{80, 443}));
  EXPECT_EQ(last.signature_ids, (std::vector<uint32_t>{100, 200}));
  EXPECT_EQ(last.signatures, (std::vector<std::string>{"sig 100", "sig 200"}));
  EXPECT_EQ(last.flow_ids, (std::vector<uint64_t>{7, 9}));
  EXPECT_EQ(last.first_seen, kT0);
  EXPECT_EQ(last.last_seen, kT0 + 2 * kSecond);
  EXPECT_EQ(last.title, "3 alerts from 10.0.0.5: sig 100");
  EXPECT_EQ(sink.incidents[0].title, "1 alert from 10.0.0.5: sig 200");
  for (const Incident& i : sink.incidents) EXPECT_EQ(i.id, sink.incidents[0].id);
  EXPECT_NE(sink.incidents[0].id, 0u);
}

TEST(IncidentCorrelatorTest, SeparateSourcesSeparateIncidents) {
  CollectingSink sink;
  IncidentCorrelator c(sink);
  c.onAlert(alert(kT0, "10.0.0.5", "192.0.2.1", 1));
  c.onAlert(alert(kT0, "10.0.0.6", "192.0.2.1", 1));
  EXPECT_EQ(c.openIncidents(), 2u);
  ASSERT_EQ(sink.incidents.size(), 2u);
  EXPECT_NE(sink.incidents[0].id, sink.incidents[1].id);
}

TEST(IncidentCorrelatorTest, UpdatesAreThrottledAndHeldBackEvidenceIsSentWhenDue) {
  CollectingSink sink;
  CorrelatorConfig config;
  config.update_interval = 60 * kSecond;
  IncidentCorrelator c(sink, config);
  c.onAlert(alert(kT0, "10.0.0.5", "192.0.2.1", 1));
  for (int i = 1; i <= 10; ++i) c.onAlert(alert(kT0 + i * kSecond, "10.0.0.5", "192.0.2.1", 1));
  EXPECT_EQ(sink.states(), States{Open});
  c.advance(kT0 + 59 * kSecond);
  EXPECT_EQ(sink.states(), States{Open});
  c.advance(kT0 + 60 * kSecond);
  EXPECT_EQ(sink.states(), (States{Open, Updated}));
  EXPECT_EQ(sink.incidents.back().alert_count, 11u);
  // Nothing new: no further update.
  c.advance(kT0 + 200 * kSecond);
  EXPECT_EQ(sink.states(), (States{Open, Updated}));
  // A new alert long after the last emit goes out at once.
  c.onAlert(alert(kT0 + 300 * kSecond, "10.0.0.5", "192.0.2.1", 1));
  EXPECT_EQ(sink.states(), (States{Open, Updated, Updated}));
}

TEST(IncidentCorrelatorTest, SeverityRiseBypassesThrottle) {
  CollectingSink sink;
  IncidentCorrelator c(sink);
  c.onAlert(alert(kT0, "10.0.0.5", "192.0.2.1", 1, 3));
  c.onAlert(alert(kT0 + 1, "10.0.0.5", "192.0.2.1", 2, 3));
  c.onAlert(alert(kT0 + 2, "10.0.0.5", "192.0.2.1", 3, 1));
  EXPECT_EQ(sink.states(), (States{Open, Updated}));
  EXPECT_EQ(sink.incidents.back().severity, 1);
  EXPECT_EQ(sink.incidents.back().alert_count, 3u);
  EXPECT_EQ(sink.incidents.back().title, "3 alerts from 10.0.0.5: sig 3");
}

TEST(IncidentCorrelatorTest, ClosesAfterQuietWindowAndNewAlertStartsNewIncident) {
  CollectingSink sink;
  CorrelatorConfig config;
  config.window = 15 * 60 * kSecond;
  IncidentCorrelator c(sink, config);
  c.onAlert(alert(kT0, "10.0.0.5", "192.0.2.1", 1));
  c.advance(kT0 + config.window);  // exactly the window: still open
  EXPECT_EQ(c.openIncidents(), 1u);
  c.advance(kT0 + config.window + 1);
  EXPECT_EQ(c.openIncidents(), 0u);
  EXPECT_EQ(sink.states(), (States{Open, Closed}));

  // Without advance(), a late alert from the same host closes the old incident first.
  c.onAlert(alert(kT0 + 2 * config.window, "10.0.0.5", "192.0.2.1", 1));
  c.onAlert(alert(kT0 + 4 * config.window, "10.0.0.5", "192.0.2.1", 1));
  EXPECT_EQ(sink.states(), (States{Open, Closed, Open, Closed, Open}));
  EXPECT_NE(sink.incidents[2].id, sink.incidents[4].id);
  EXPECT_EQ(c.counters().incidents_opened, 3u);
  EXPECT_EQ(c.counters().incidents_closed, 2u);
}

TEST(IncidentCorrelatorTest, AlertsWithinWindowKeepIncidentAlive) {
  CollectingSink sink;
  CorrelatorConfig config;
  config.window = 100 * kSecond;
  IncidentCorrelator c(sink, config);
  for (int i = 0; i < 10; ++i) c.onAlert(alert(kT0 + i * 90 * kSecond, "10.0.0.5", "192.0.2.1", 1));
  EXPECT_EQ(c.counters().incidents_opened, 1u);
  EXPECT_EQ(c.openIncidents(), 1u);
}

TEST(IncidentCorrelatorTest, ClosingSendsHeldBackEvidenceFirst) {
  CollectingSink sink;
  IncidentCorrelator c(sink);
  c.onAlert(alert(kT0, "10.0.0.5", "192.0.2.1", 1));
  c.onAlert(alert(kT0 + kSecond, "10.0.0.5", "192.0.2.9", 2));
  c.advance(kT0 + 20 * 60 * kSecond);
  EXPECT_EQ(sink.states(), (States{Open, Updated, Closed}));
  EXPECT_EQ(sink.incidents[1].alert_count, 2u);
  EXPECT_EQ(sink.incidents[2].alert_count, 2u);
}

TEST(IncidentCorrelatorTest, EvictsLeastRecentlyActiveWhenFull) {
  CollectingSink sink;
  CorrelatorConfig config;
  config.max_open_incidents = 2;
  IncidentCorrelator c(sink, config);
  c.onAlert(alert(kT0, "10.0.0.1", "192.0.2.1", 1));
  c.onAlert(alert(kT0 + 1, "10.0.0.2", "192.0.2.1", 1));
  c.onAlert(alert(kT0 + 2, "10.0.0.1", "192.0.2.1", 1));  // 10.0.0.1 is now the most recent
  c.onAlert(alert(kT0 + 3, "10.0.0.3", "192.0.2.1", 1));
  EXPECT_EQ(c.openIncidents(), 2u);
  EXPECT_EQ(c.counters().incidents_evicted, 1u);
  bool closed_2 = false;
  for (const Incident& i : sink.incidents) {
    if (i.state == Closed) {
      EXPECT_EQ(i.source, ip("10.0.0.2"));
      closed_2 = true;
    }
  }
  EXPECT_TRUE(closed_2);
}

TEST(IncidentCorrelatorTest, EvidenceListsAreBounded) {
  CollectingSink sink;
  CorrelatorConfig config;
  config.max_evidence = 3;
  IncidentCorrelator c(sink, config);
  for (int i = 0; i < 10; ++i) {
    c.onAlert(alert(kT0 + i, "10.0.0.5", ("192.0.2." + std::to_string(i)).c_str(), 1 + i, 3,
                    static_cast<uint16_t>(1000 + i), i));
  }
  c.flush();
  const Incident& last = sink.incidents.back();
  EXPECT_EQ(last.alert_count, 10u);
  EXPECT_EQ(last.targets.size(), 3u);
  EXPECT_EQ(last.dest_ports.size(), 3u);
  EXPECT_EQ(last.signature_ids.size(), 3u);
  EXPECT_EQ(last.signatures.size(), 3u);
  EXPECT_EQ(last.flow_ids.size(), 3u);
}

TEST(IncidentCorrelatorTest, IdsAreDeterministicAcrossRuns) {
  auto runOnce = [] {
    CollectingSink sink;
    IncidentCorrelator c(sink);
    c.onAlert(alert(kT0, "10.0.0.5", "192.0.2.1", 1));
    c.onAlert(alert(kT0 + 5, "2001:db8::7", "192.0.2.1", 1));
    c.flush();
    std::vector<uint64_t> ids;
    for (const Incident& i : sink.incidents) ids.push_back(i.id);
    return ids;
  };
  EXPECT_EQ(runOnce(), runOnce());
}

TEST(IncidentCorrelatorTest, LateAlertJoinsItsIncident) {
  CollectingSink sink;
  IncidentCorrelator c(sink);
  c.onAlert(alert(kT0 + 10, "10.0.0.5", "192.0.2.1", 1));
  c.onAlert(alert(kT0, "10.0.0.5", "192.0.2.1", 1));
  c.flush();
  EXPECT_EQ(c.counters().incidents_opened, 1u);
  EXPECT_EQ(sink.incidents.back().first_seen, kT0);
  EXPECT_EQ(sink.incidents.back().last_seen, kT0 + 10);
}

}  // namespace
}  // namespace mamori
