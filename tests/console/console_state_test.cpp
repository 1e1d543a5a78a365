// The console's memory of what it was fed: incidents as the queue lists them (filters,
// sorting, counts, paging), alerts with their flow's app records and incident, the
// timeline of an incident, triage kept in the store, and the live event ring that tells a
// slow page to resync. Real EVE records from the real formatter, a real SQLite store.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include <rapidjson/document.h>

#include "alerting/eve_formatter.h"
#include "alerting/incident_store.h"
#include "console/console_state.h"
#include "console/eve_follower.h"
#include "console/live_events.h"
#include "console/triage_store.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;

IpAddress ip(const std::string& text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

Incident incident(uint64_t id, int severity, const std::string& title, const std::string& source,
                  const std::string& target, TimeUs last_seen, uint64_t events) {
  Incident inc;
  inc.id = id;
  inc.sensor = "site-a";
  inc.title = title;
  inc.severity = severity;
  inc.first_seen = last_seen - 1'000'000;
  inc.last_seen = last_seen;
  inc.source = ip(source);
  inc.targets = {ip(target)};
  inc.alert_count = events;
  inc.rule = "port_scan";
  inc.flow_ids = {1000 + id};
  return inc;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

IncidentQuery query(std::multimap<std::string, std::string> params) {
  std::string error;
  auto q = IncidentQuery::parse(params, error);
  EXPECT_TRUE(q) << error;
  return q.value_or(IncidentQuery{});
}

std::vector<std::string> titles(const std::string& json) {
  std::vector<std::string> out;
  auto d = parse(json);
  for (const auto& i : d["incidents"].GetArray()) out.push_back(i["title"].GetString());
  return out;
}

constexpr TimeUs kT = 1'772'441'000'000'000;  // 2026-03-02

class ConsoleStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EveFormatter eve("site-a");
    // Fed as EVE records, the way a sensor's output thread hands them over.
    state.publish(EventKind::Incident, eve.formatIncident(incident(1, 3, "Port scan from 203.0.113.5", "203.0.113.5",
                                                                   "10.0.0.1", kT + 1'000'000, 40)));
    state.publish(EventKind::Incident, eve.formatIncident(incident(2, 1, "Exploit against 10.0.0.2", "198.51.100.7",
                                                                   "10.0.0.2", kT + 2'000'000, 3)));
    state.publish(EventKind::Incident, eve.formatIncident(incident(3, 2, "Brute force on 10.0.0.1", "198.51.100.9",
                                                                   "10.0.0.1", kT + 3'000'000, 200)));
  }
  ConsoleState state;
};

TEST_F(ConsoleStateTest, TheQueueFiltersSortsCountsAndPages) {
  EXPECT_EQ(titles(state.incidents(query({}))),
            (std::vector<std::string>{"Exploit against 10.0.0.2", "Brute force on 10.0.0.1", "Port scan from 203.0.113.5"}))
      << "most severe first";
  EXPECT_EQ(titles(state.incidents(query({{"sort", "events"}, {"order", "asc"}}))),
            (std::vector<std::string>{"Exploit against 10.0.0.2", "Port scan from 203.0.113.5", "Brute force on 10.0.0.1"}));
  EXPECT_EQ(titles(state.incidents(query({{"host", "10.0.0.1"}, {"sort", "last_seen"}}))),
            (std::vector<std::string>{"Brute force on 10.0.0.1", "Port scan from 203.0.113.5"}));
  EXPECT_EQ(titles(state.incidents(query({{"q", "EXPLOIT"}}))), (std::vector<std::string>{"Exploit against 10.0.0.2"}));

  auto d = parse(state.incidents(query({{"severity", "1,2"}, {"limit", "1"}, {"offset", "1"}})));
  EXPECT_EQ(d["total"].GetUint(), 2u);
  EXPECT_EQ(d["counts"]["3"].GetUint(), 1u) << "counts per severity ignore the severity filter";
  ASSERT_EQ(d["incidents"].Size(), 1u);
  EXPECT_STREQ(d["incidents"][0]["title"].GetString(), "Brute force on 10.0.0.1");
  EXPECT_STREQ(d["incidents"][0]["key"].GetString(), "site-a/3");
  EXPECT_STREQ(d["incidents"][0]["triage"]["status"].GetString(), "new");

  std::string error;
  EXPECT_FALSE(IncidentQuery::parse({{"severity", "9"}}, error));
  EXPECT_NE(error.find("severity"), std::string::npos) << error;
  EXPECT_FALSE(IncidentQuery::parse({{"limit", "5000"}}, error));
}

TEST_F(ConsoleStateTest, AnOlderSnapshotChangesNothingAndAClosedOneLeavesTheOpenQueue) {
  EveFormatter eve("site-a");
  Incident stale = incident(3, 2, "Brute force (stale)", "198.51.100.9", "10.0.0.1", kT + 2'000'000, 100);
  state.publish(EventKind::Incident, eve.formatIncident(stale));
  EXPECT_EQ(titles(state.incidents(query({{"q", "brute"}}))), (std::vector<std::string>{"Brute force on 10.0.0.1"}));
  Incident closed = incident(1, 3, "Port scan from 203.0.113.5", "203.0.113.5", "10.0.0.1", kT + 1'000'000, 40);
  closed.state = IncidentState::Closed;
  state.publish(EventKind::Incident, eve.formatIncident(closed));
  EXPECT_EQ(parse(state.incidents(query({{"state", "open"}})))["total"].GetUint(), 2u);
  EXPECT_EQ(parse(state.incidents(query({})))["total"].GetUint(), 3u) << "every state unless asked";
  EXPECT_EQ(titles(state.incidents(query({{"state", "closed"}}))),
            (std::vector<std::string>{"Port scan from 203.0.113.5"}));
}

TEST_F(ConsoleStateTest, AnAlertCarriesItsFlowsHttpHostAndIncidentAndTheTimelineHoldsThem) {
  // The records of flow 1001 (incident 1's), as EVE lines with a hostile Host header.
  const std::string http =
      R"({"timestamp":"2026-03-02T08:30:00.500000+0000","host":"site-a","event_type":"http","flow_id":1001,)"
      R"("src_ip":"203.0.113.5","src_port":40000,"dest_ip":"10.0.0.1","dest_port":80,"proto":"TCP",)"
      R"("http":{"hostname":"<img src=x onerror=alert(1)>","url":"/"}})";
  const std::string alert =
      R"({"timestamp":"2026-03-02T08:30:00.600000+0000","host":"site-a","event_type":"alert","flow_id":1001,)"
      R"("src_ip":"203.0.113.5","src_port":40000,"dest_ip":"10.0.0.1","dest_port":80,"proto":"TCP",)"
      R"("payload_printable":"GET / HTTP/1.1",)"
      R"("alert":{"action":"allowed","gid":1,"signature_id":42,"rev":1,"signature":"Probe","category":"","severity":2,)"
      R"("metadata":{"created_at":["2026_03_01"]}}})";
  state.publish(EventKind::Http, http);
  const uint64_t before = state.events().head();
  state.publish(EventKind::Alert, alert);
  AlertBudget budget(10);

  // Open pages are sent the alert as its row shows it: the flow's HTTP host and the
  // incident, without what the row does not show.
  const auto live = state.events().next(before, 0ms, 1 << 20, budget);
  const std::string prefix = "event: alert\ndata: ";
  ASSERT_EQ(live.text.rfind(prefix, 0), 0u) << live.text;
  auto row = parse(live.text.substr(prefix.size(), live.text.find('\n', prefix.size()) - prefix.size()));
  EXPECT_STREQ(row["alert"]["signature"].GetString(), "Probe");
  EXPECT_EQ(row["alert"]["signature_id"].GetUint(), 42u);
  EXPECT_EQ(row["src_port"].GetUint(), 40000u);
  EXPECT_STREQ(row["http"]["hostname"].GetString(), "<img src=x onerror=alert(1)>");
  EXPECT_STREQ(row["incident"].GetString(), "site-a/1");
  EXPECT_FALSE(row["alert"].HasMember("metadata"));
  EXPECT_FALSE(row.HasMember("payload_printable"));

  auto alerts = parse(state.alerts("", "10.0.0.1", 0, "probe", 10));
  ASSERT_EQ(alerts["alerts"].Size(), 1u);
  EXPECT_TRUE(alerts["alerts"][0]["alert"].HasMember("metadata")) << "the API answers the whole record";
  EXPECT_TRUE(alerts["alerts"][0].HasMember("payload_printable"));
  EXPECT_STREQ(alerts["alerts"][0]["http"]["hostname"].GetString(), "<img src=x onerror=alert(1)>");
  EXPECT_STREQ(alerts["alerts"][0]["incident"].GetString(), "site-a/1");
  EXPECT_EQ(parse(state.alerts("", "", 43, "", 10))["alerts"].Size(), 0u);

  auto detail = state.incident("site-a/1", [](JsonWriter&) {});
  ASSERT_TRUE(detail);
  auto d = parse(*detail);
  ASSERT_EQ(d["incident"]["timeline"].Size(), 2u);
  EXPECT_STREQ(d["incident"]["timeline"][0]["event_type"].GetString(), "http");
  EXPECT_STREQ(d["incident"]["timeline"][1]["event_type"].GetString(), "alert");
  EXPECT_TRUE(d["incident"]["timeline_complete"].GetBool());
  ASSERT_EQ(d["incident"]["related"].Size(), 1u) << "incident 3 names 10.0.0.1 too";
  EXPECT_STREQ(d["incident"]["related"][0]["key"].GetString(), "site-a/3");
  EXPECT_FALSE(state.incident("site-a/99", [](JsonWriter&) {}));

  auto rules = parse(state.rules([](JsonWriter&) {}));
  ASSERT_EQ(rules["signatures"].Size(), 1u);
  EXPECT_EQ(rules["signatures"][0]["alerts"].GetUint(), 1u);
  EXPECT_EQ(rules["signatures"][0]["by_sensor"]["site-a"].GetUint(), 1u);
}

TEST_F(ConsoleStateTest, RecordsBeyondTheLimitAgeOutOldestFirst) {
  ConsoleLimits limits;
  limits.records = 3;
  ConsoleState small(limits);
  for (int i = 1; i <= 5; ++i) {
    small.publish(EventKind::Flow, R"({"timestamp":"2026-03-02T08:30:0)" + std::to_string(i) +
                                       R"(.000000+0000","host":"s","event_type":"flow","flow_id":)" + std::to_string(i % 2 ? 10 : 20) +
                                       R"(,"src_ip":"10.0.0.1","dest_ip":"10.0.0.2"})");
  }
  EXPECT_EQ(parse(small.flow("s", 20))["records"].Size(), 1u);  // record 4 of (2, 4)
  EXPECT_EQ(parse(small.flow("s", 10))["records"].Size(), 2u);  // 3 and 5 of (1, 3, 5)
  EXPECT_EQ(small.counters().records_dropped, 2u);
  small.publish(EventKind::Flow, "{not json");
  EXPECT_EQ(small.counters().refused, 1u);
}

TEST(ConsoleState, RecordsOfMoreHostsThanItHoldsAreRefusedAndCounted) {
  ConsoleLimits limits;
  limits.sensors = 2;
  ConsoleState state(limits);
  auto flow = [](const std::string& host) {
    return R"({"timestamp":"2026-03-02T08:30:00.000000+0000","host":")" + host +
           R"(","flow_id":7,"event_type":"flow","src_ip":"10.0.0.1","dest_ip":"10.0.0.2"})";
  };
  for (const char* host : {"a", "b", "c", "a"}) state.publish(EventKind::Flow, flow(host));
  EXPECT_EQ(state.counters().records, 3u);
  EXPECT_EQ(state.counters().refused, 1u);
  EXPECT_EQ(parse(state.flow("a", 7))["records"].Size(), 2u);
  EXPECT_EQ(parse(state.flow("b", 7))["records"].Size(), 1u) << "a flow id is a flow of one host";
  EXPECT_EQ(parse(state.flow("c", 7))["records"].Size(), 0u);
}

TEST(LiveEvents, ASlowPageIsToldToResyncAndAPromptOneGetsEverythingInOrder) {
  LiveEvents events(4);
  const uint64_t start = events.head();
  events.push("incident", "{\"n\":1}");
  events.push("incident", "{\"n\":2}");
  AlertBudget budget(1000);
  auto b = events.next(start, 0ms, 1 << 20, budget);
  EXPECT_EQ(b.text, "event: incident\ndata: {\"n\":1}\n\nevent: incident\ndata: {\"n\":2}\n\n");
  EXPECT_FALSE(b.resync);
  for (int i = 3; i <= 8; ++i) events.push("alert", "{}");
  auto late = events.next(b.next, 0ms, 1 << 20, budget);
  EXPECT_TRUE(late.resync);
  EXPECT_EQ(late.next, events.head());

  std::thread pusher([&] {
    std::this_thread::sleep_for(50ms);
    events.push("action", "{}");
  });
  auto waited = events.next(events.head(), 2000ms, 1 << 20, budget);
  pusher.join();
  EXPECT_EQ(waited.text, "event: action\ndata: {}\n\n");
}

TEST(LiveEvents, APageIsSentItsAlertsASecondAndToldHowManyItWasNot) {
  LiveEvents events(1000);
  AlertBudget budget(5);
  const uint64_t start = events.head();
  for (int i = 0; i < 8; ++i) events.push("alert", "{\"n\":" + std::to_string(i) + "}");
  events.push("incident", "{}");
  auto b = events.next(start, 0ms, 1 << 20, budget);
  EXPECT_EQ(b.next, events.head());
  EXPECT_EQ(b.text,
            "event: alert\ndata: {\"n\":0}\n\nevent: alert\ndata: {\"n\":1}\n\nevent: alert\ndata: {\"n\":2}\n\n"
            "event: alert\ndata: {\"n\":3}\n\nevent: alert\ndata: {\"n\":4}\n\nevent: incident\ndata: {}\n\n"
            "event: skipped\ndata: {\"alerts\":3}\n\n")
      << "the first five alerts, every other event, and the count of the rest";
  EXPECT_EQ(b.skipped, 3u);

  budget.at -= 450ms;  // as if 0.45 s went by: two alerts' worth, at five a second
  for (int i = 8; i < 11; ++i) events.push("alert", "{\"n\":" + std::to_string(i) + "}");
  auto later = events.next(b.next, 0ms, 1 << 20, budget);
  EXPECT_EQ(later.text, "event: alert\ndata: {\"n\":8}\n\nevent: alert\ndata: {\"n\":9}\n\n"
                        "event: skipped\ndata: {\"alerts\":1}\n\n");
  EXPECT_EQ(later.skipped, 1u);
}

TEST(TriageStore, ActionsAndTriageSurviveReopeningTheStore) {
  const std::string path = test::tempDir() + "/incidents.db";
  {
    IncidentStore store = IncidentStore::open(path);
    TriageStore triage(store);
    TriageAction ack{kT, "alice", "acknowledge", "", ""};
    Triage t = applyAction(Triage{}, ack);
    triage.record("site-a", 7, ack, t);
    TriageAction assign{kT + 1, "alice", "assign", "bob", ""};
    triage.record("site-a", 7, assign, applyAction(t, assign));
  }
  IncidentStore store = IncidentStore::open(path);
  TriageStore triage(store);
  const auto all = triage.all();
  ASSERT_EQ(all.count("site-a/7"), 1u);
  EXPECT_EQ(all.at("site-a/7").status, "assigned");
  EXPECT_EQ(all.at("site-a/7").owner, "bob");
  const auto actions = triage.actions("site-a", 7);
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].action, "acknowledge");
  EXPECT_EQ(actions[1].user, "alice");

  EXPECT_THROW(applyAction(Triage{}, TriageAction{kT, "alice", "explode", "", ""}), std::invalid_argument);
  EXPECT_THROW(applyAction(Triage{}, TriageAction{kT, "alice", "close", "", ""}), std::invalid_argument)
      << "a close needs its reason";
  EXPECT_THROW(applyAction(Triage{}, TriageAction{kT, "alice", "comment", "", std::string(5000, 'x')}),
               std::invalid_argument);
  std::string sensor;
  uint64_t id = 0;
  EXPECT_TRUE(parseIncidentKey("a/b/12", sensor, id));
  EXPECT_EQ(sensor, "a/b");
  EXPECT_FALSE(parseIncidentKey("site-a/12x", sensor, id));
}

TEST(EveFollower, HandsOverWhatIsAppendedAndSkipsWhatIsNotEve) {
  const std::string path = test::tempDir() + "/eve.json";
  std::ofstream(path) << R"({"timestamp":"2026-03-02T08:30:00.000000+0000","host":"s","event_type":"flow","flow_id":5})"
                      << "\nnot a record\n"
                      << R"({"x":{"event_type":"flow"},"timestamp":"2026-03-02T08:30:00.000000+0000","host":"s"})"
                      << "\n"
                      << R"({"timestamp":"2026-03-02T08:30:00.000000+0000","host":"s","event_type":"flow","flow_id":5,"x":)"
                      << "\n"
                      << R"({"timestamp": "2026-03-02T08:30:00.500000+0000", "host": "s", "event_type" : "flow", "flow_id": 5})"
                      << "\n";
  ConsoleState state;
  EveFollower follower(path, state);
  follower.start();
  EXPECT_EQ(follower.lines(), 2u) << "EVE written with blanks, as other tools pass it on, is EVE";
  EXPECT_EQ(follower.skipped(), 3u) << "not JSON, an event_type not at the top, a record cut short";
  {
    std::ofstream out(path, std::ios::app);
    out << R"({"timestamp":"2026-03-02T08:30:01.000000+0000","host":"s","event_type":"flow","flow_id":5})";
    out.flush();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(follower.lines(), 2u) << "a line not yet ended waits for its end";
    out << "\n";
  }
  for (int i = 0; i < 50 && follower.lines() < 3; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(follower.lines(), 3u);
  follower.stop();
  EXPECT_EQ(parse(state.flow("s", 5))["records"].Size(), 3u);
}

}  // namespace
}  // namespace mamori
