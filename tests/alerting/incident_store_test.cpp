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
#include <functional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/alerting/print_incident.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

constexpr TimeUs kSecond = 1'000'000;
constexpr TimeUs kT0 = 1'700'000'000 * kSecond;
const std::string kSensor = "tokyo-1";

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
  inc.sensor = kSensor;
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
  inc.sensors = {"osaka-2", "tokyo-1"};
  inc.group_key = "dest_ip=192.0.2.10,dest_port=22\\,x";
  return inc;
}

Incident simpleIncident(uint64_t id, IncidentState state, TimeUs last_seen) {
  Incident inc;
  inc.id = id;
  inc.sensor = kSensor;
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
  Incident bare;  // defaults: no sensor, no source, empty lists and title
  bare.id = 7;
  {
    IncidentStore store = IncidentStore::open(path);
    store.save(rich);
    store.save(bare);
    EXPECT_EQ(store.find(kSensor, rich.id), rich);  // read back on the writing connection
  }
  IncidentStore store = IncidentStore::open(path);
  EXPECT_EQ(store.find(kSensor, rich.id), rich);
  EXPECT_EQ(store.find("", bare.id), bare);
  EXPECT_EQ(store.find(kSensor, 8), std::nullopt);
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

  EXPECT_EQ(store.find(kSensor, 42), inc);
  EXPECT_EQ(store.list({}).size(), 1u);  // one row, not one per save
  std::vector<IncidentChange> story = store.history(kSensor, 42);
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
  EXPECT_TRUE(store.history(kSensor, 43).empty());
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
  std::vector<Incident> open = store.loadOpen(kSensor);
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
  EXPECT_TRUE(store.history(kSensor, 1).empty());
  EXPECT_EQ(store.history(kSensor, 2).size(), 1u);
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
  EXPECT_EQ(ids(store.list({States::All, ""})), (std::vector<uint64_t>{4, 1, 5, 3, 2}));
  EXPECT_EQ(ids(store.list({States::NotClosed, ""})), (std::vector<uint64_t>{1, 5, 3}));
  EXPECT_EQ(ids(store.list({States::Closed, ""})), (std::vector<uint64_t>{4, 2}));
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
  EXPECT_EQ(IncidentStore::openExisting(path).find(kSensor, 5), richIncident(5));
}

// An analyst's account reading the sensor's store: root ignores file permissions, so as
// root the reading happens in a child that has become `nobody`.
TEST(IncidentStore, AReadOnlyFileCanBeRead) {
  std::string path = test::tempDir() + "/incidents.db";
  IncidentStore::open(path).save(richIncident(5));  // closing checkpoints: no -wal left
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  auto check = [&] {
    IncidentStore store = IncidentStore::openExisting(path);
    if (store.find(kSensor, 5) != richIncident(5)) return 1;
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
  EXPECT_NE(store.lastError().find(path + ": cannot save incident 6 of tokyo-1: database is locked"), std::string::npos)
      << store.lastError();
  EXPECT_EQ(store.find(kSensor, 6), std::nullopt);
  // Nothing of the failed save stays half-done: the next one works.
  store.save(richIncident(6));
  EXPECT_EQ(store.find(kSensor, 6), richIncident(6));
  EXPECT_EQ(store.history(kSensor, 6).size(), 1u);
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
  EXPECT_EQ(store.find(kSensor, 5), richIncident(5));
  try {
    store.find(kSensor, 6);
    ADD_FAILURE() << "a damaged row was read";
  } catch (const IncidentStoreError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": incident 6 of tokyo-1: damaged evidence");
  }
  EXPECT_THROW(store.loadOpen(kSensor), IncidentStoreError);
  EXPECT_EQ(store.find(kSensor, 5), richIncident(5));  // the statement is usable after the error
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
    std::optional<Incident> found = store.find(kSensor, id);
    ASSERT_TRUE(found.has_value()) << "incident " << id << " lost";
    if (found->alert_count == latest_reported + 1) {
      EXPECT_EQ(*found, crashIncident(latest_reported + 1));
    } else {
      EXPECT_EQ(*found, crashIncident(latest_reported));
    }
    EXPECT_GE(store.history(kSensor, id).size(), latest_reported - 2 * (id - 1) + 1);
  }
  // Open and updated incidents only: all of them come back to be continued.
  EXPECT_GE(store.loadOpen(kSensor).size(), last / 2 + 1);
}


TEST(IncidentStore, IncidentsAreKeyedBySensorAndId) {
  IncidentStore store = IncidentStore::open(test::tempDir() + "/incidents.db");
  // Two sensors seeing the same traffic compute the same id: two incidents, two stories.
  Incident tokyo = simpleIncident(42, IncidentState::Open, kT0);
  Incident osaka = simpleIncident(42, IncidentState::Open, kT0 + kSecond);
  osaka.sensor = "osaka-2";
  osaka.title = "seen from osaka";
  store.save(tokyo);
  store.save(osaka);
  osaka.state = IncidentState::Closed;
  store.save(osaka);
  store.save(simpleIncident(43, IncidentState::Open, kT0 + 2 * kSecond));

  EXPECT_EQ(store.find(kSensor, 42), tokyo);
  EXPECT_EQ(store.find("osaka-2", 42), osaka);
  EXPECT_EQ(store.find("nagoya-3", 42), std::nullopt);
  EXPECT_EQ(store.history(kSensor, 42).size(), 1u);
  ASSERT_EQ(store.history("osaka-2", 42).size(), 2u);
  EXPECT_EQ(store.history("osaka-2", 42)[1].state, IncidentState::Closed);

  const std::vector<Incident> all = store.list({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, 43u);
  EXPECT_EQ(all[1], osaka);
  EXPECT_EQ(all[2], tokyo);
  EXPECT_EQ(ids(store.list({IncidentFilter::States::All, "osaka-2"})), (std::vector<uint64_t>{42}));
  EXPECT_EQ(ids(store.list({IncidentFilter::States::All, kSensor})), (std::vector<uint64_t>{43, 42}));
  EXPECT_TRUE(store.list({IncidentFilter::States::NotClosed, "osaka-2"}).empty());

  // By id alone: one sensor's is found, several sensors' are named instead.
  IncidentsWithId both = store.findById(42);
  EXPECT_TRUE(both.ambiguous());
  EXPECT_EQ(both.incident, std::nullopt);
  EXPECT_EQ(both.sensors, (std::vector<std::string>{"osaka-2", "tokyo-1"}));
  IncidentsWithId one = store.findById(43);
  EXPECT_FALSE(one.ambiguous());
  EXPECT_EQ(one.sensors, (std::vector<std::string>{kSensor}));
  EXPECT_EQ(one.incident, simpleIncident(43, IncidentState::Open, kT0 + 2 * kSecond));
  IncidentsWithId none = store.findById(44);
  EXPECT_EQ(none.incident, std::nullopt);
  EXPECT_TRUE(none.sensors.empty());
}

TEST(IncidentStore, LoadOpenGivesTheSensorsOwnIncidentsAndThoseOfNoSensor) {
  IncidentStore store = IncidentStore::open(test::tempDir() + "/incidents.db");
  Incident mine = simpleIncident(1, IncidentState::Open, kT0 + 20 * kSecond);
  Incident other = simpleIncident(2, IncidentState::Open, kT0);
  other.sensor = "osaka-2";
  Incident unnamed = simpleIncident(3, IncidentState::Updated, kT0 + 10 * kSecond);
  unnamed.sensor = "";  // as a version-1 store's
  for (const Incident& inc : {mine, other, unnamed}) store.save(inc);
  EXPECT_EQ(store.loadOpen(kSensor), (std::vector<Incident>{unnamed, mine}));
  EXPECT_EQ(store.loadOpen("osaka-2"), (std::vector<Incident>{other, unnamed}));
}

// A table of the caller's own in the store's file, as the central keeps its checkpoints.
int64_t checkpoint(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t value = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT seq FROM checkpoint", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      value = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return value;
}

void setCheckpoint(IncidentStore& store, int64_t seq) {
  const std::string sql = "UPDATE checkpoint SET seq = " + std::to_string(seq);
  char* error = nullptr;
  if (sqlite3_exec(store.connection(), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
}

TEST(IncidentStore, ATransactionCommitsSavesAndTheCallersStatementsTogetherOrNothing) {
  const std::string path = test::tempDir() + "/incidents.db";
  IncidentStore store = IncidentStore::open(path);
  ASSERT_EQ(sqlite3_exec(store.connection(), "CREATE TABLE checkpoint (seq INTEGER); INSERT INTO checkpoint VALUES (0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);

  store.transaction([&] {
    store.save(simpleIncident(1, IncidentState::Open, kT0));
    store.save(simpleIncident(2, IncidentState::Open, kT0 + kSecond));
    setCheckpoint(store, 7);
    // Nothing is visible to another reader until the whole batch commits.
    IncidentStore reader = IncidentStore::openExisting(path);
    EXPECT_TRUE(reader.list({}).empty());
    EXPECT_EQ(checkpoint(path), 0);
  });
  IncidentStore reader = IncidentStore::openExisting(path);
  EXPECT_EQ(ids(reader.list({})), (std::vector<uint64_t>{2, 1}));
  EXPECT_EQ(reader.history(kSensor, 1).size(), 1u);
  EXPECT_EQ(checkpoint(path), 7);

  // A body that throws takes its saves and statements with it, and the exception goes on.
  EXPECT_THROW(store.transaction([&] {
                 Incident closed = simpleIncident(1, IncidentState::Closed, kT0 + 5 * kSecond);
                 store.save(closed);
                 store.save(simpleIncident(3, IncidentState::Open, kT0 + 2 * kSecond));
                 setCheckpoint(store, 9);
                 throw std::runtime_error("the batch was bad");
               }),
               std::runtime_error);
  EXPECT_EQ(ids(reader.list({})), (std::vector<uint64_t>{2, 1}));
  EXPECT_EQ(reader.find(kSensor, 1), simpleIncident(1, IncidentState::Open, kT0));
  EXPECT_EQ(reader.history(kSensor, 1).size(), 1u);
  EXPECT_EQ(checkpoint(path), 7);

  // A statement of the caller's that fails inside rolls back the saves before it too.
  EXPECT_THROW(store.transaction([&] {
                 store.save(simpleIncident(4, IncidentState::Open, kT0 + 3 * kSecond));
                 if (sqlite3_exec(store.connection(), "INSERT INTO no_such_table VALUES (1)", nullptr, nullptr,
                                  nullptr) != SQLITE_OK) {
                   throw std::runtime_error(sqlite3_errmsg(store.connection()));
                 }
               }),
               std::runtime_error);
  EXPECT_EQ(reader.find(kSensor, 4), std::nullopt);

  EXPECT_THROW(store.transaction([&] { store.transaction([] {}); }), IncidentStoreError);
  // The store goes on after every rollback, saving on its own again.
  store.save(simpleIncident(5, IncidentState::Open, kT0 + 4 * kSecond));
  EXPECT_EQ(ids(reader.list({})), (std::vector<uint64_t>{5, 2, 1}));
}

TEST(IncidentStore, ASaveThatFailsInsideATransactionFailsTheWholeBatch) {
  const std::string path = test::tempDir() + "/incidents.db";
  IncidentStore store = IncidentStore::open(path);
  // A trigger of the test's own makes the second save fail inside the batch.
  ASSERT_EQ(sqlite3_exec(store.connection(),
                         "CREATE TRIGGER refuse BEFORE INSERT ON incidents WHEN NEW.id = 2 "
                         "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  try {
    store.transaction([&] {
      store.save(simpleIncident(1, IncidentState::Open, kT0));
      store.save(simpleIncident(2, IncidentState::Open, kT0));
    });
    ADD_FAILURE() << "the batch committed";
  } catch (const IncidentStoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": cannot save incident 2 of tokyo-1: refused by the test"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(IncidentStore::openExisting(path).list({}).empty());
  store.save(simpleIncident(3, IncidentState::Open, kT0));
  EXPECT_EQ(ids(store.list({})), (std::vector<uint64_t>{3}));
}

TEST(IncidentStore, AReaderCannotWrite) {
  const std::string path = test::tempDir() + "/incidents.db";
  IncidentStore::open(path).save(richIncident(5));
  IncidentStore reader = IncidentStore::openExisting(path);
  for (auto write : std::vector<std::function<void()>>{[&] { reader.save(richIncident(6)); },
                                                       [&] { reader.prune(kT0); },
                                                       [&] { reader.transaction([] {}); }}) {
    try {
      write();
      ADD_FAILURE() << "a reader wrote";
    } catch (const IncidentStoreError& e) {
      EXPECT_EQ(std::string(e.what()), path + ": the incident store is open read-only");
    }
  }
  EXPECT_EQ(reader.find(kSensor, 6), std::nullopt);
}

}  // namespace
}  // namespace mamori
