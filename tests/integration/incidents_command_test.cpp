// `mamori incidents list|show` read a store written by the library, as an analyst reads
// the store a sensor writes: what they see, and a clear exit 1 when there is nothing to see.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "alerting/incident_store.h"
#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

constexpr TimeUs kSecond = 1'000'000;
constexpr TimeUs kT0 = 1'700'000'000 * kSecond;  // 2023-11-14 22:13:20 UTC

IpAddress ip(const std::string& text) {
  IpAddress a;
  IpAddress::parse(text, a);
  return a;
}

// Three incidents: 101 opened then raised (still open) and 202 opened and closed, both
// tokyo-1's, and osaka-2's 303, open.
std::string makeStore(const std::string& path) {
  IncidentStore store = IncidentStore::open(path);
  Incident scan;
  scan.id = 101;
  scan.sensor = "tokyo-1";
  scan.title = "ET SCAN Potential SSH Scan";
  scan.severity = 3;
  scan.first_seen = kT0;
  scan.last_seen = kT0;
  scan.source = ip("10.0.0.5");
  scan.targets = {ip("10.0.0.20"), ip("10.0.0.21")};
  scan.dest_ports = {22};
  scan.signature_ids = {2001219};
  scan.signatures = {"ET SCAN Potential SSH Scan"};
  scan.flow_ids = {11, 12};
  scan.alert_count = 2;
  store.save(scan);
  scan.state = IncidentState::Updated;
  scan.title = "ET EXPLOIT Apache Struts RCE";
  scan.severity = 1;
  scan.last_seen = kT0 + 120 * kSecond;
  scan.signature_ids = {2001219, 2024043};
  scan.signatures = {"ET SCAN Potential SSH Scan", "ET EXPLOIT Apache Struts RCE"};
  scan.alert_count = 7;
  scan.rule = "multi_stage_intrusion";
  scan.stages = {"recon", "exploit"};
  scan.tactics = {"TA0001", "TA0043"};
  scan.techniques = {"T1190"};
  store.save(scan);

  Incident closed;
  closed.id = 202;
  closed.sensor = "tokyo-1";
  closed.title = "ET POLICY curl User-Agent";
  closed.first_seen = kT0 + 10 * kSecond;
  closed.last_seen = kT0 + 10 * kSecond;
  closed.source = ip("10.0.0.9");
  closed.alert_count = 1;
  store.save(closed);
  closed.state = IncidentState::Closed;
  closed.last_seen = kT0 + 60 * kSecond;
  store.save(closed);

  Incident dns;
  dns.id = 303;
  dns.sensor = "osaka-2";
  dns.title = "DNS tunnelling under t.example";
  dns.severity = 2;
  dns.first_seen = kT0 + 30 * kSecond;
  dns.last_seen = kT0 + 90 * kSecond;
  dns.source = ip("2001:db8::7");
  dns.domains = {"t.example"};
  dns.alert_count = 40;
  store.save(dns);
  return path;
}

std::string incidents(const std::string& args) { return mamoriBinary() + " incidents " + args; }

// Table rows in order, by the id each starts with.
std::vector<std::string> rowIds(const std::string& table) {
  std::vector<std::string> ids;
  size_t line_start = table.find('\n') + 1;  // past the header
  while (line_start < table.size()) {
    size_t end = table.find('\n', line_start);
    std::string line = table.substr(line_start, end - line_start);
    ids.push_back(line.substr(0, line.find(' ')));
    line_start = end == std::string::npos ? table.size() : end + 1;
  }
  return ids;
}

TEST(IncidentsCommand, ListShowsOpenIncidentsMostRecentFirst) {
  std::string db = makeStore(tempDir() + "/incidents.db");
  auto r = run(incidents("list --db '" + db + "'"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("ID ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("LAST SEEN"), std::string::npos) << r.out;
  EXPECT_EQ(rowIds(r.out), (std::vector<std::string>{"101", "303"})) << r.out;
  // id, sensor, state, severity, first / last seen, title, hosts.
  EXPECT_EQ(r.out.rfind("ID   SENSOR   STATE    SEV  ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("101  tokyo-1  updated    1  2023-11-14 22:13:20  2023-11-14 22:15:20  ET EXPLOIT Apache Struts RCE"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("303  osaka-2  open       2  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10.0.0.5, 10.0.0.20, 10.0.0.21\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2001:db8::7\n"), std::string::npos) << r.out;
}

TEST(IncidentsCommand, ListFiltersByState) {
  std::string db = makeStore(tempDir() + "/incidents.db");
  auto closed = run(incidents("list --state closed --db '" + db + "'"));
  ASSERT_EQ(closed.exit_code, 0) << closed.out;
  EXPECT_EQ(rowIds(closed.out), (std::vector<std::string>{"202"})) << closed.out;
  EXPECT_NE(closed.out.find("closed"), std::string::npos) << closed.out;
  auto all = run(incidents("list --state all --db '" + db + "'"));
  EXPECT_EQ(rowIds(all.out), (std::vector<std::string>{"101", "303", "202"})) << all.out;
  auto bad = run(incidents("list --state opne --db '" + db + "' 2>&1"));
  EXPECT_NE(bad.exit_code, 0) << bad.out;
}

TEST(IncidentsCommand, ListJsonIsEveIncidentRecords) {
  std::string dir = tempDir();
  std::string db = makeStore(dir + "/incidents.db");
  auto r = run(incidents("list --json --state all --db '" + db + "' > '" + dir + "/out.json'"));
  ASSERT_EQ(r.exit_code, 0);
  EveLog log = EveLog::load(dir + "/out.json");
  EXPECT_EQ(log.badLines(), 0u);
  auto records = log.ofType("incident");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(EveLog::number(*records[0], "incident.id"), 101);
  EXPECT_EQ(EveLog::string(*records[0], "incident.state"), "updated");
  EXPECT_EQ(EveLog::number(*records[0], "incident.alert_count"), 7);
  EXPECT_EQ(EveLog::number(*records[2], "incident.id"), 202);
  // Each record names the sensor that raised its incident, as that sensor's EVE did.
  EXPECT_EQ(EveLog::string(*records[0], "host"), "tokyo-1");
  EXPECT_EQ(EveLog::string(*records[1], "host"), "osaka-2");
}

TEST(IncidentsCommand, ListFiltersBySensor) {
  std::string db = makeStore(tempDir() + "/incidents.db");
  auto tokyo = run(incidents("list --state all --sensor tokyo-1 --db '" + db + "'"));
  ASSERT_EQ(tokyo.exit_code, 0) << tokyo.out;
  EXPECT_EQ(rowIds(tokyo.out), (std::vector<std::string>{"101", "202"})) << tokyo.out;
  auto none = run(incidents("list --sensor nagoya-3 --db '" + db + "'"));
  ASSERT_EQ(none.exit_code, 0) << none.out;
  EXPECT_EQ(none.out, "no open incidents of nagoya-3 in " + db + "\n");
}

// Two sensors seeing the same traffic compute the same incident ids.
TEST(IncidentsCommand, AnIdSeveralSensorsHaveNeedsTheSensor) {
  std::string dir = tempDir();
  std::string db = makeStore(dir + "/incidents.db");
  {
    IncidentStore store = IncidentStore::open(db);
    Incident twin;
    twin.id = 101;
    twin.sensor = "osaka-2";
    twin.title = "Port scan seen from osaka";
    twin.first_seen = twin.last_seen = kT0 + 5 * kSecond;
    store.save(twin);
  }
  auto ambiguous = run(incidents("show 101 --db '" + db + "' 2>&1"));
  EXPECT_EQ(ambiguous.exit_code, 1) << ambiguous.out;
  EXPECT_NE(ambiguous.out.find("several sensors have an incident 101 in " + db + ": osaka-2, tokyo-1; give --sensor NAME"),
            std::string::npos)
      << ambiguous.out;

  auto osaka = run(incidents("show 101 --sensor osaka-2 --db '" + db + "'"));
  ASSERT_EQ(osaka.exit_code, 0) << osaka.out;
  EXPECT_EQ(osaka.out.rfind("incident 101: Port scan seen from osaka\n  sensor      osaka-2\n", 0), 0u) << osaka.out;
  auto tokyo = run(incidents("show 101 --sensor tokyo-1 --json --db '" + db + "' > '" + dir + "/out.json'"));
  ASSERT_EQ(tokyo.exit_code, 0);
  EveLog log = EveLog::load(dir + "/out.json");
  auto records = log.ofType("incident");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(EveLog::string(*records[0], "host"), "tokyo-1");
  EXPECT_EQ(EveLog::string(*records[0], "incident.title"), "ET EXPLOIT Apache Struts RCE");
  EXPECT_EQ(records[0]->operator[]("history").Size(), 2u) << "tokyo-1's story, not osaka-2's";

  auto unknown = run(incidents("show 101 --sensor nagoya-3 --db '" + db + "' 2>&1"));
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out;
  EXPECT_NE(unknown.out.find("no incident 101 of nagoya-3 in " + db), std::string::npos) << unknown.out;
  // An id only one sensor has needs no --sensor.
  EXPECT_EQ(run(incidents("show 303 --db '" + db + "' >/dev/null")).exit_code, 0);
}

TEST(IncidentsCommand, ShowTellsTheStoryAndTheEvidence) {
  std::string db = makeStore(tempDir() + "/incidents.db");
  auto r = run(incidents("show 101 --db '" + db + "'"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("incident 101: ET EXPLOIT Apache Struts RCE\n  sensor      tokyo-1\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("rule        multi_stage_intrusion\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stages      recon → exploit\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tactics     TA0001, TA0043\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("targets     10.0.0.20, 10.0.0.21\n"), std::string::npos) << r.out;
  // The story: each change in order, the title where it changed.
  size_t opened = r.out.find("2023-11-14 22:13:20  open     severity 3  2 alerts      ET SCAN Potential SSH Scan\n");
  size_t raised = r.out.find("2023-11-14 22:15:20  updated  severity 1  7 alerts      ET EXPLOIT Apache Struts RCE\n");
  ASSERT_NE(opened, std::string::npos) << r.out;
  ASSERT_NE(raised, std::string::npos) << r.out;
  EXPECT_LT(opened, raised);
  EXPECT_NE(r.out.find("2024043  ET EXPLOIT Apache Struts RCE\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("flows (2)\n    11, 12\n"), std::string::npos) << r.out;

  auto closed = run(incidents("show 202 --db '" + db + "'"));
  size_t open_line = closed.out.find("  open     severity 3  1 alert       ET POLICY curl User-Agent\n");
  size_t close_line = closed.out.find("  closed   severity 3  1 alert\n");
  ASSERT_NE(open_line, std::string::npos) << closed.out;
  ASSERT_NE(close_line, std::string::npos) << closed.out;
  EXPECT_LT(open_line, close_line);
}

TEST(IncidentsCommand, ShowJsonAddsTheHistoryToTheEveRecord) {
  std::string dir = tempDir();
  std::string db = makeStore(dir + "/incidents.db");
  auto r = run(incidents("show 202 --json --db '" + db + "' > '" + dir + "/out.json'"));
  ASSERT_EQ(r.exit_code, 0);
  EveLog log = EveLog::load(dir + "/out.json");
  auto records = log.ofType("incident");
  ASSERT_EQ(records.size(), 1u);
  const rapidjson::Value& rec = *records[0];
  EXPECT_EQ(EveLog::string(rec, "incident.state"), "closed");
  ASSERT_TRUE(rec.HasMember("history") && rec["history"].IsArray());
  const auto& history = rec["history"];
  ASSERT_EQ(history.Size(), 2u);
  EXPECT_EQ(EveLog::string(history[0], "state"), "open");
  EXPECT_EQ(EveLog::string(history[1], "state"), "closed");
  EXPECT_EQ(EveLog::parseTime(EveLog::string(history[1], "timestamp")), kT0 + 60 * kSecond);
}

TEST(IncidentsCommand, AnUnknownIdOrAMissingStoreIsExitOne) {
  std::string dir = tempDir();
  std::string db = makeStore(dir + "/incidents.db");
  auto unknown = run(incidents("show 999 --db '" + db + "' 2>&1"));
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out;
  EXPECT_NE(unknown.out.find("no incident 999 in " + db), std::string::npos) << unknown.out;

  std::string missing = dir + "/nothing-here.db";
  for (const std::string& cmd : {"list", "show 101"}) {
    auto r = run(incidents(cmd + " --db '" + missing + "' 2>&1"));
    EXPECT_EQ(r.exit_code, 1) << cmd << ": " << r.out;
    EXPECT_NE(r.out.find(missing + ": no incident store there"), std::string::npos) << cmd << ": " << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(missing)) << "a reader created a store";
}

TEST(IncidentsCommand, TheStoreComesFromTheConfigurationUnlessDbIsGiven) {
  std::string dir = tempDir();
  std::filesystem::create_directories(dir + "/etc");
  makeStore(dir + "/etc/incidents.db");
  // Relative to the configuration file, as its other file names.
  std::ofstream(dir + "/etc/mamori.yaml") << "correlate:\n  store: incidents.db\n";
  auto r = run(incidents("list --config '" + dir + "/etc/mamori.yaml'"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(rowIds(r.out), (std::vector<std::string>{"101", "303"})) << r.out;

  auto other = run(incidents("list --config '" + dir + "/etc/mamori.yaml' --db '" + dir + "/none.db' 2>&1"));
  EXPECT_EQ(other.exit_code, 1) << other.out;
  EXPECT_NE(other.out.find(dir + "/none.db"), std::string::npos) << other.out;

  std::ofstream(dir + "/etc/bad.yaml") << "correlate:\n  stor: x.db\n";
  auto bad = run(incidents("list --config '" + dir + "/etc/bad.yaml' 2>&1"));
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("correlate.stor: unknown key"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace mamori::test
