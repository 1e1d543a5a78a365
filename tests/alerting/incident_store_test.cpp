#include "alerting/incident_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "alerting/eve_formatter.h"
#include "tests/support/test_support.h"

namespace mamori {

// gtest shows a differing incident as its fields, not as bytes.
void PrintTo(const Incident& inc, std::ostream* os) {
  *os << EveFormatter().formatIncident(inc) << " rule=" << inc.rule << " stages=" << inc.stages.size()
      << " domains=" << inc.domains.size() << " tactics=" << inc.tactics.size()
      << " techniques=" << inc.techniques.size() << " group_key=" << inc.group_key;
}

namespace {

constexpr TimeUs kSecond = 1'000'000;
constexpr TimeUs kT0 = 1'700'000'000 * kSecond;

IpAddress ip(const std::string& text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

// Every field set, none at its default, with values that a lossy store would change:
// an id above 2^32, IPv6, a flow id above 2^63, quotes and non-ASCII in text.
Incident richIncident(uint64_t id) {
  Incident inc;
  inc.id = id;
  inc.state = IncidentState::Updated;
  inc.title = "Multi-stage intrusion: \"ET EXPLOIT\" → C2 ✓";
  inc.severity = 1;
  inc.first_seen = kT0 + 123'456;
  inc.last_seen = kT0 + 600 * kSecond + 7;
  inc.source = ip("10.1.2.3");
  inc.targets = {ip("10.9.9.9"), ip("2001:db8::1")};
  inc.dest_ports = {22, 443, 65535};
  inc.signature_ids = {2001219, 4294967295u};
  inc.signatures = {"ET SCAN Potential SSH Scan", "sig with \\ backslash\nand newline"};
  inc.flow_ids = {1, 18446744073709551615ull};
  inc.alert_ids = {3, (1ull << 53) - 1};
  inc.alert_count = 5'000'000'000ull;
  inc.rule = "multi_stage_intrusion";
  inc.stages = {"recon", "exploit", "c2"};
  inc.domains = {"evil.example", "xn--bcher-kva.example"};
  inc.tactics = {"TA0001", "TA0011"};
  inc.techniques = {"T1071.001", "T1190"};
  inc.group_key = "dest_ip=192.0.2.10,dest_port=22\\,x";
  return inc;
}

Incident simpleIncident(uint64_t id, IncidentState state, TimeUs last_seen) {
  Incident inc;
  inc.id = id;
  inc.state = state;
  inc.title = "incident " + std::to_string(id);
  inc.first_seen = last_seen - kSecond;
  inc.last_seen = last_seen;
  inc.source = ip("192.168.0." + std::to_string(id % 250 + 1));
  inc.alert_count = id;
  return inc;
}

std::vector<uint64_t> ids(const std::vector<Incident>& incidents) {
  std::vector<uint64_t> out;
  for (const auto& inc : incidents) out.push_back(inc.id);
  return out;
}

TEST(IncidentStore, RoundTripsEveryField) {
  std::string path = test::tempDir() + "/incidents.db";
  Incident rich = richIncident(9'007'199'254'740'991ull);  // 2^53 - 1, the largest EVE id
  Incident bare;  // defaults: no source, empty lists and title
  bare.id = 7;
  {
    IncidentStore store = IncidentStore::open(path);
    store.save(rich);
    store.save(bare);
    EXPECT_EQ(store.find(rich.id), rich);  // read back on the writing connection
  }
  IncidentStore store = IncidentStore::open(path);
  EXPECT_EQ(store.find(rich.id), rich);
  EXPECT_EQ(store.find(bare.id), bare);
  EXPECT_EQ(store.find(8), std::nullopt);
}

TEST(IncidentStore, SaveReplacesTheSnapshotAndRecordsEachChange) {
  IncidentStore store = IncidentStore::open(test::tempDir() + "/incidents.db");
  Incident inc = simpleIncident(42, IncidentState::Open, kT0);
  inc.severity = 3;
  store.save(inc);
  inc.state = IncidentState::Updated;
  inc.severity = 1;
  inc.alert_count = 9;
  inc.last_seen = kT0 + 60 * kSecond;
  inc.title = "raised";
  inc.signature_ids = {2000001};
  inc.signatures = {"ET EXPLOIT x"};
  store.save(inc);
  inc.state = IncidentState::Closed;
  inc.last_seen = kT0 + 90 * kSecond;
  store.save(inc);

  EXPECT_EQ(store.find(42), inc);
  EXPECT_EQ(store.list({}).size(), 1u);  // one row, not one per save
  std::vector<IncidentChange> story = store.history(42);
  ASSERT_EQ(story.size(), 3u);
  EXPECT_EQ(story[0].state, IncidentState::Open);
  EXPECT_EQ(story[0].severity, 3);
  EXPECT_EQ(story[0].ts, kT0);
  EXPECT_EQ(story[0].title, "incident 42");
  EXPECT_EQ(story[1].state, IncidentState::Updated);
  EXPECT_EQ(story[1].severity, 1);
  EXPECT_EQ(story[1].alert_count, 9u);
  EXPECT_EQ(story[1].title, "raised");
  EXPECT_EQ(story[2].state, IncidentState::Closed);
  EXPECT_EQ(story[2].ts, kT0 + 90 * kSecond);
  EXPECT_TRUE(store.history(43).empty());
}

TEST(IncidentStore, LoadOpenGivesEveryIncidentNotClosedOldestFirst) {
  std::string path = test::tempDir() + "/incidents.db";
  {
    IncidentStore store = IncidentStore::open(path);
    store.save(simpleIncident(1, IncidentState::Open, kT0 + 30 * kSecond));
    store.save(simpleIncident(2, IncidentState::Closed, kT0 + 10 * kSecond));
    store.save(simpleIncident(3, IncidentState::Updated, kT0 + 20 * kSecond));
    store.save(simpleIncident(4, IncidentState::Open, kT0));
    store.save(simpleIncident(4, IncidentState::Closed, kT0 + 5 * kSecond));  // closed later
  }
  IncidentStore store = IncidentStore::open(path);
  std::vector<Incident> open = store.loadOpen();
  EXPECT_EQ(ids(open), (std::vector<uint64_t>{3, 1}));
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0], simpleIncident(3, IncidentState::Updated, kT0 + 20 * kSecond));
}

TEST(IncidentStore, RetentionRemovesOldClosedIncidentsWithTheirHistoryNeverOpenOnes) {
  constexpr TimeUs kDay = 86400 * kSecond;
  IncidentStore store = IncidentStore::open(test::tempDir() + "/incidents.db");
  store.setRetention(30 * kDay);
  store.save(simpleIncident(1, IncidentState::Open, kT0));
  store.save(simpleIncident(1, IncidentState::Closed, kT0 + kSecond));  // the first pass: nothing that old
  store.save(simpleIncident(2, IncidentState::Open, kT0 + 2 * kSecond));  // open, however old
  store.save(simpleIncident(3, IncidentState::Closed, kT0 + 10 * kDay));
  EXPECT_EQ(store.pruned(), 0u);
  // A closed incident 40 days on: a pass, which removes what closed more than 30 days before.
  store.save(simpleIncident(4, IncidentState::Closed, kT0 + 40 * kDay));
  EXPECT_EQ(store.pruned(), 1u);
  EXPECT_EQ(ids(store.list(IncidentFilter{})), (std::vector<uint64_t>{4, 3, 2}));
  EXPECT_TRUE(store.history(1).empty());
  EXPECT_EQ(store.history(2).size(), 1u);
  // Five days on, the next pass removes day 10's.
  store.save(simpleIncident(5, IncidentState::Closed, kT0 + 45 * kDay));
  EXPECT_EQ(store.pruned(), 2u);
  EXPECT_EQ(store.prune(kT0 + 41 * kDay), 1u);  // by hand: day 40's
  EXPECT_EQ(ids(store.list(IncidentFilter{})), (std::vector<uint64_t>{5, 2}));
}

TEST(IncidentStore, ListFiltersByStateNewestFirst) {
  IncidentStore store = IncidentStore::open(test::tempDir() + "/incidents.db");
  store.save(simpleIncident(1, IncidentState::Open, kT0 + 30 * kSecond));
  store.save(simpleIncident(2, IncidentState::Closed, kT0 + 10 * kSecond));
  store.save(simpleIncident(3, IncidentState::Updated, kT0 + 20 * kSecond));
  store.save(simpleIncident(4, IncidentState::Closed, kT0 + 40 * kSecond));
  store.save(simpleIncident(5, IncidentState::Open, kT0 + 20 * kSecond));  // ties: higher id first

  using States = IncidentFilter::States;
  EXPECT_EQ(ids(store.list({States::All})), (std::vector<uint64_t>{4, 1, 5, 3, 2}));
  EXPECT_EQ(ids(store.list({States::NotClosed})), (std::vector<uint64_t>{1, 5, 3}));
  EXPECT_EQ(ids(store.list({States::Closed})), (std::vector<uint64_t>{4, 2}));
}

TEST(IncidentStore, ListUsesTheIndexedColumnsNotTheEvidence) {
  std::string path = test::tempDir() + "/incidents.db";
  IncidentStore store = IncidentStore::open(path);
  store.save(simpleIncident(1, IncidentState::Open, kT0));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT state, last_seen, evidence FROM incidents", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "open");
  EXPECT_EQ(sqlite3_column_int64(s, 1), kT0);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 2))).front(), '{');
  sqlite3_finalize(s);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

std::string openError(const std::string& path, bool existing) {
  try {
    if (existing) {
      IncidentStore::openExisting(path);
    } else {
      IncidentStore::open(path);
    }
  } catch (const IncidentStoreError& e) {
    return e.what();
  }
  return "";
}

TEST(IncidentStore, ABadPathIsAnErrorNamingIt) {
  std::string dir = test::tempDir();
  std::string missing_folder = dir + "/no/such/folder/incidents.db";
  std::string error = openError(missing_folder, false);
  EXPECT_NE(error.find(missing_folder), std::string::npos) << error;
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;

  std::string not_a_db = dir + "/notes.txt";
  std::ofstream(not_a_db) << "this is not an SQLite database, just a long enough text file\n";
  error = openError(not_a_db, false);
  EXPECT_NE(error.find(not_a_db), std::string::npos) << error;
  EXPECT_NE(error.find("not a database"), std::string::npos) << error;
  EXPECT_EQ(test::readFile(not_a_db), "this is not an SQLite database, just a long enough text file\n");
}

TEST(IncidentStore, OpenExistingNeverCreatesAStore) {
  std::string dir = test::tempDir();
  std::string missing = dir + "/missing.db";
  std::string error = openError(missing, true);
  EXPECT_NE(error.find(missing + ": no incident store there"), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(missing));

  std::string empty = dir + "/empty.db";
  std::ofstream{empty};
  error = openError(empty, true);
  EXPECT_EQ(error, empty + ": not an incident store");
  EXPECT_EQ(std::filesystem::file_size(empty), 0u);

  std::string path = dir + "/incidents.db";
  IncidentStore::open(path).save(richIncident(5));
  EXPECT_EQ(IncidentStore::openExisting(path).find(5), richIncident(5));
}

// An analyst's account reading the sensor's store: root ignores file permissions, so as
// root the reading happens in a child that has become `nobody`.
TEST(IncidentStore, AReadOnlyFileCanBeRead) {
  std::string path = test::tempDir() + "/incidents.db";
  IncidentStore::open(path).save(richIncident(5));  // closing checkpoints: no -wal left
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  auto check = [&] {
    IncidentStore store = IncidentStore::openExisting(path);
    if (store.find(5) != richIncident(5)) return 1;
    try {
      store.save(richIncident(6));
      return 2;
    } catch (const IncidentStoreError&) {
      return 0;
    }
  };
  if (geteuid() != 0) {
    EXPECT_EQ(check(), 0);
    return;
  }
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int code = 3;
    if (setgid(65534) == 0 && setuid(65534) == 0) {
      try {
        code = check();
      } catch (const std::exception&) {
        code = 4;
      }
    }
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: wrong incident, 2: a save went through, 3: cannot become nobody, 4: open failed";
}

TEST(IncidentStore, AFailedSaveAsSinkIsCountedNotThrown) {
  std::string path = test::tempDir() + "/incidents.db";
  IncidentStore store = IncidentStore::open(path);
  store.save(richIncident(5));
  // Another writer holding the lock past the store's busy timeout fails the save.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  IncidentSink& sink = store;
  sink.onIncident(richIncident(6));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(store.failedSaves(), 1u);
  EXPECT_NE(store.lastError().find(path + ": cannot save incident 6: database is locked"), std::string::npos)
      << store.lastError();
  EXPECT_EQ(store.find(6), std::nullopt);
  // Nothing of the failed save stays half-done: the next one works.
  store.save(richIncident(6));
  EXPECT_EQ(store.find(6), richIncident(6));
  EXPECT_EQ(store.history(6).size(), 1u);
}

TEST(IncidentStore, ADamagedRowIsAnErrorNamingTheIncident) {
  std::string path = test::tempDir() + "/incidents.db";
  IncidentStore store = IncidentStore::open(path);
  store.save(richIncident(5));
  store.save(richIncident(6));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE incidents SET evidence = '{\"targets\": [\"not an ip\"]}' WHERE id = 6",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(store.find(5), richIncident(5));
  try {
    store.find(6);
    ADD_FAILURE() << "a damaged row was read";
  } catch (const IncidentStoreError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": incident 6: damaged evidence");
  }
  EXPECT_THROW(store.loadOpen(), IncidentStoreError);
  EXPECT_EQ(store.find(5), richIncident(5));  // the statement is usable after the error
}

std::string integrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return result;
}

// The incident a crash-test child saves as its n-th save: each one is saved twice
// (opened, then updated), so a kill can land between the two saves of one incident.
Incident crashIncident(uint64_t n) {
  Incident inc = richIncident(n / 2 + 1);
  inc.state = n % 2 == 0 ? IncidentState::Open : IncidentState::Updated;
  inc.alert_count = n;
  inc.last_seen = kT0 + TimeUs(n) * kSecond;
  return inc;
}

TEST(IncidentStore, SigkillMidRunLosesNoReportedSave) {
  std::string path = test::tempDir() + "/incidents.db";
  int report[2];
  ASSERT_EQ(pipe(report), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(report[0]);
    try {
      IncidentStore store = IncidentStore::open(path);
      for (uint64_t n = 0;; ++n) {
        store.save(crashIncident(n));
        if (write(report[1], &n, sizeof n) != sizeof n) _exit(3);
      }
    } catch (...) {
      _exit(2);
    }
  }
  close(report[1]);
  // Reports arrive as the child goes on saving; kill it while it does.
  const uint64_t kill_after = 300;
  uint64_t last = 0, reported = 0;
  while (reported < kill_after && read(report[0], &last, sizeof last) == sizeof last) ++reported;
  kill(child, SIGKILL);
  // Saves reported after our count but before the kill landed count too.
  uint64_t n;
  while (read(report[0], &n, sizeof n) == sizeof n) last = n, ++reported;
  close(report[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child ended with status " << status;
  ASSERT_EQ(reported, last + 1);
  ASSERT_GE(reported, kill_after);

  EXPECT_EQ(integrityCheck(path), "ok");
  IncidentStore store = IncidentStore::open(path);
  EXPECT_EQ(integrityCheck(path), "ok");
  // Every incident at its latest reported save, or at the save in progress when killed.
  for (uint64_t id = 1; id <= last / 2 + 1; ++id) {
    uint64_t latest_reported = std::min(last, 2 * (id - 1) + 1);
    std::optional<Incident> found = store.find(id);
    ASSERT_TRUE(found.has_value()) << "incident " << id << " lost";
    if (found->alert_count == latest_reported + 1) {
      EXPECT_EQ(*found, crashIncident(latest_reported + 1));
    } else {
      EXPECT_EQ(*found, crashIncident(latest_reported));
    }
    EXPECT_GE(store.history(id).size(), latest_reported - 2 * (id - 1) + 1);
  }
  // Open and updated incidents only: all of them come back to be continued.
  EXPECT_GE(store.loadOpen().size(), last / 2 + 1);
}

}  // namespace
}  // namespace mamori
