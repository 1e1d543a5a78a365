// Issue 5: "Killing the process with SIGKILL mid-run and restarting loses no incident."
// The whole path through the binary: `mamori run` reads the demo's first five minutes
// through a pipe that stays open (the run is live, waiting for more), with incidents open
// and stored; it is killed with SIGKILL, and a new run on the same store reads the rest.
// Every incident the store held at the kill is still there, every change a reader saw
// saved survives, the open incidents go on under their ids (no second incident for the
// same rule and group), and the file passes SQLite's integrity check. An uninterrupted
// run of the whole capture is the reference for which incidents exist and their ids.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "alerting/incident_store.h"
#include "tests/integration/eve_log.h"
#include "tests/integration/pcap_pipe.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

constexpr TimeUs kSecond = 1'000'000;

// docs/demo.md: 2026-03-02, the port scan at 09:01:01, the exploits at 09:01:35, the
// exploited web server's beacons every 60 s from 09:02:30. At 09:05:00 the five incidents
// of the first part are open and the beacons, which continue three of them, are half done.
TimeUs splitTime() {
  std::tm t{};
  t.tm_year = 2026 - 1900;
  t.tm_mon = 2;
  t.tm_mday = 2;
  t.tm_hour = 9;
  t.tm_min = 5;
  return TimeUs(timegm(&t)) * kSecond;
}

// A classic pcap file cut at packet time `at`: the packets before, the packets from it
// on, each with the file's header.
std::pair<std::string, std::string> splitCapture(const std::string& file, TimeUs at) {
  std::string before = file.substr(0, 24), after = file.substr(0, 24);
  for (size_t pos = 24; pos + 16 <= file.size();) {
    uint32_t sec, usec, caplen;
    std::memcpy(&sec, file.data() + pos, 4);
    std::memcpy(&usec, file.data() + pos + 4, 4);
    std::memcpy(&caplen, file.data() + pos + 8, 4);
    size_t end = pos + 16 + caplen;
    (TimeUs(sec) * kSecond + usec < at ? before : after).append(file, pos, end - pos);
    pos = end;
  }
  return {before, after};
}

struct Stored {
  Incident incident;
  std::vector<IncidentChange> history;
};
using Snapshot = std::map<uint64_t, Stored>;

Snapshot snapshot(IncidentStore& store) {
  Snapshot out;
  for (Incident& inc : store.list(IncidentFilter{})) {
    uint64_t id = inc.id;
    std::vector<IncidentChange> story = store.history(inc.sensor, id);
    out[id] = Stored{std::move(inc), std::move(story)};
  }
  return out;
}

Snapshot snapshot(const std::string& db) {
  IncidentStore store = IncidentStore::openExisting(db);
  return snapshot(store);
}

std::string integrityCheck(const std::string& db) {
  sqlite3* handle = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(handle, "PRAGMA integrity_check", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(handle);
  return result;
}

bool sameChange(const IncidentChange& a, const IncidentChange& b) {
  return a.ts == b.ts && a.state == b.state && a.severity == b.severity && a.alert_count == b.alert_count &&
         a.title == b.title;
}

// Every incident of `earlier` is in `later` with its saved changes, in order, at the
// start of its story there.
void expectKept(const Snapshot& earlier, const Snapshot& later, const std::string& what) {
  for (const auto& [id, was] : earlier) {
    auto it = later.find(id);
    ASSERT_NE(it, later.end()) << what << ": incident " << id << " (" << was.incident.title << ") is gone";
    const auto& now = it->second.history;
    ASSERT_GE(now.size(), was.history.size()) << what << ": " << was.incident.title << " lost changes";
    for (size_t i = 0; i < was.history.size(); ++i) {
      EXPECT_TRUE(sameChange(was.history[i], now[i])) << what << ": " << was.incident.title << ", change " << i;
    }
  }
}

using GroupId = std::pair<std::string, std::string>;  // rule, group key

GroupId groupOf(const Incident& inc) { return {inc.rule, inc.group_key}; }

TEST(IncidentRestart, SigkillMidRunThenRestartLosesNoIncidentAndContinuesTheOpenOnes) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap", db = dir + "/incidents.db";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  const TimeUs split = splitTime();
  const auto [first, second] = splitCapture(readFile(pcap), split);
  ASSERT_GT(first.size(), 24u);
  ASSERT_GT(second.size(), 24u);
  const std::string second_pcap = dir + "/second.pcap";
  {
    std::ofstream(second_pcap, std::ios::binary) << second;
  }

  // The reference: the whole capture, uninterrupted.
  ASSERT_EQ(runMamori(pcap, dir + "/reference.json", "--workers 2 --store '" + dir + "/reference.db'"), 0);
  const Snapshot reference = snapshot(dir + "/reference.db");
  std::map<GroupId, std::vector<uint64_t>> reference_ids;
  std::set<GroupId> expected_open;  // opened well before the split
  for (const auto& [id, r] : reference) {
    reference_ids[groupOf(r.incident)].push_back(id);
    ASSERT_FALSE(r.history.empty());
    if (r.history.front().ts < split - 30 * kSecond) expected_open.insert(groupOf(r.incident));
  }
  ASSERT_EQ(expected_open.size(), 5u)
      << "docs/demo.md: the port scan, both hosts' alerts and the intrusion (told two ways) are open by 09:05";

  // The first part, through a pipe left open: the run reads it and waits for more.
  Snapshot seen;
  {
    PcapPipe pipe(dir, {"--workers", "2", "--store", db, "--no-summary"},
                  dir + "/first.log");
    ASSERT_TRUE(pipe.ok()) << readFile(dir + "/first.log");
    ASSERT_TRUE(pipe.write(first)) << readFile(dir + "/first.log");
    // Read-only, as `mamori incidents` reads a running sensor's store, until every
    // incident the reference opened by then is stored and open.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      try {
        seen = snapshot(db);
      } catch (const IncidentStoreError&) {
        seen.clear();  // not created yet
      }
      size_t open = 0;
      for (const auto& [id, s] : seen) {
        if (s.incident.state != IncidentState::Closed && expected_open.count(groupOf(s.incident))) ++open;
      }
      if (open == expected_open.size()) break;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "the store never held the open incidents; log:\n" << readFile(dir + "/first.log");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(pipe.kill(), 128 + 9) << "still running when killed";
  }

  // At the kill.
  EXPECT_EQ(integrityCheck(db), "ok");
  const Snapshot at_kill = snapshot(db);
  expectKept(seen, at_kill, "after SIGKILL");
  size_t open_at_kill = 0;
  for (const auto& [id, s] : at_kill) {
    if (s.incident.state == IncidentState::Closed) continue;
    ++open_at_kill;
    // Part one is the reference's first part: the same incident under the same id.
    ASSERT_TRUE(reference_ids.count(groupOf(s.incident))) << s.incident.title;
    EXPECT_EQ(reference_ids.at(groupOf(s.incident)).front(), id) << s.incident.title;
  }
  ASSERT_EQ(open_at_kill, expected_open.size());

  // The restart reads the rest to its end.
  ASSERT_EQ(runMamori(second_pcap, dir + "/second.json", "--workers 2 --store '" + db + "'"), 0);
  EXPECT_EQ(integrityCheck(db), "ok");
  const Snapshot after = snapshot(db);
  expectKept(at_kill, after, "after the restart");

  const EveLog second_log = EveLog::load(dir + "/second.json");
  const auto* stats = second_log.lastStats();
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_restored"), static_cast<int64_t>(open_at_kill));
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_open"), 0) << "the end of input closes them all";

  std::map<GroupId, size_t> incidents_per_group;
  for (const auto& [id, s] : after) ++incidents_per_group[groupOf(s.incident)];
  size_t continued = 0;
  for (const auto& [id, was] : at_kill) {
    if (was.incident.state == IncidentState::Closed) continue;
    const GroupId group = groupOf(was.incident);
    const Stored& now = after.at(id);
    EXPECT_EQ(incidents_per_group[group], reference_ids.at(group).size())
        << was.incident.title << ": a second incident for the same rule and group";
    EXPECT_EQ(now.incident.state, IncidentState::Closed) << was.incident.title;
    // Its changes after the restart go on with it: never a second "open".
    for (size_t i = was.history.size(); i < now.history.size(); ++i) {
      EXPECT_NE(now.history[i].state, IncidentState::Open) << was.incident.title << ", change " << i;
    }
    for (const auto* rec : second_log.ofType("incident")) {
      if (static_cast<uint64_t>(EveLog::number(*rec, "incident.id")) == id) {
        EXPECT_NE(EveLog::string(*rec, "incident.state"), "open") << was.incident.title;
      }
    }
    // Those the reference saw grow after the split grow here too, under the same id.
    const Incident& ref = reference.at(reference_ids.at(group).front()).incident;
    if (ref.last_seen < split) {
      EXPECT_EQ(now.incident.last_seen, was.incident.last_seen) << was.incident.title;
      continue;
    }
    ++continued;
    EXPECT_GE(now.incident.last_seen, split) << was.incident.title;
    EXPECT_GT(now.incident.alert_count, was.incident.alert_count) << was.incident.title;
    EXPECT_EQ(now.incident.first_seen, was.incident.first_seen) << was.incident.title;
    EXPECT_EQ(now.incident.source, was.incident.source) << was.incident.title;
    EXPECT_GE(now.incident.signature_ids.size(), was.incident.signature_ids.size()) << was.incident.title;
  }
  EXPECT_EQ(continued, 3u) << "docs/demo.md: the web server's alerts and the intrusion go on after 09:05";
}

}  // namespace
}  // namespace mamori::test
