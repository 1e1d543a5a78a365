// A store written before incidents named their sensor (schema version 1) stays readable, and
// is migrated in place, in one transaction, when a sensor or the central opens it for writing.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "alerting/incident_store.h"
#include "tests/alerting/print_incident.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

constexpr TimeUs kT0 = 1'700'000'000'000'000;

// Version 1's schema, as mamori wrote it: the fixture of a file an older sensor left.
constexpr const char* kVersion1 = R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE incidents (
  id          INTEGER PRIMARY KEY,
  state       TEXT    NOT NULL,
  title       TEXT    NOT NULL,
  severity    INTEGER NOT NULL,
  rule        TEXT    NOT NULL,
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  source      TEXT    NOT NULL,
  alert_count INTEGER NOT NULL,
  evidence    TEXT    NOT NULL
);
CREATE INDEX incidents_by_state ON incidents(state, last_seen);
CREATE INDEX incidents_by_last_seen ON incidents(last_seen);
CREATE TABLE incident_history (
  seq         INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL,
  ts          INTEGER NOT NULL,
  state       TEXT    NOT NULL,
  severity    INTEGER NOT NULL,
  alert_count INTEGER NOT NULL,
  title       TEXT    NOT NULL
);
CREATE INDEX incident_history_by_incident ON incident_history(incident_id);
PRAGMA user_version=1;
-- 11: open, its evidence as version 1 wrote it (no sensors); 12: closed, from before alerts had ids.
INSERT INTO incidents VALUES (11, 'updated', 'Port scan from 10.0.0.5', 2, 'port_scan', 1700000000000000,
  1700000060000000, '10.0.0.5', 40,
  '{"targets":["10.0.0.9"],"dest_ports":[22,80],"signature_ids":[2001219],"signatures":["ET SCAN x"],"flow_ids":[5],"alert_ids":[77],"domains":[],"stages":[],"tactics":["TA0043"],"techniques":[],"group_key":"src_ip=10.0.0.5"}');
INSERT INTO incidents VALUES (12, 'closed', 'ET POLICY curl', 3, '', 1700000010000000, 1700000020000000, '', 1,
  '{"targets":[],"dest_ports":[],"signature_ids":[],"signatures":[],"flow_ids":[],"domains":[],"stages":[],"tactics":[],"techniques":[],"group_key":""}');
INSERT INTO incident_history (incident_id, ts, state, severity, alert_count, title) VALUES
  (11, 1700000000000000, 'open', 3, 10, 'Port scan from 10.0.0.5'),
  (12, 1700000010000000, 'open', 3, 1, 'ET POLICY curl'),
  (11, 1700000060000000, 'updated', 2, 40, 'Port scan from 10.0.0.5'),
  (12, 1700000020000000, 'closed', 3, 1, 'ET POLICY curl');
)sql";

IpAddress ip(const std::string& text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

// Incident 11 as a version-2 reader gives it back: no sensor, none in its evidence.
Incident scan() {
  Incident inc;
  inc.id = 11;
  inc.state = IncidentState::Updated;
  inc.title = "Port scan from 10.0.0.5";
  inc.severity = 2;
  inc.rule = "port_scan";
  inc.first_seen = kT0;
  inc.last_seen = kT0 + 60'000'000;
  inc.source = ip("10.0.0.5");
  inc.alert_count = 40;
  inc.targets = {ip("10.0.0.9")};
  inc.dest_ports = {22, 80};
  inc.signature_ids = {2001219};
  inc.signatures = {"ET SCAN x"};
  inc.flow_ids = {5};
  inc.alert_ids = {77};
  inc.tactics = {"TA0043"};
  inc.group_key = "src_ip=10.0.0.5";
  return inc;
}

void exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// One column of every row a query gives, as text.
std::vector<std::string> query(const std::string& path, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
      while (sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(s, 0);
        out.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

std::string version(const std::string& path) {
  std::vector<std::string> v = query(path, "PRAGMA user_version");
  return v.empty() ? "?" : v.front();
}

std::vector<std::string> schema(const std::string& path) {
  return query(path, "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master ORDER BY name");
}

TEST(IncidentStoreMigration, AVersionOneFileIsReadAsItIs) {
  const std::string path = test::tempDir() + "/incidents.db";
  exec(path, kVersion1);
  const std::vector<std::string> before = schema(path);
  {
    IncidentStore reader = IncidentStore::openExisting(path);
    EXPECT_EQ(reader.find("", 11), scan());
    EXPECT_EQ(reader.findById(11).incident, scan());
    EXPECT_EQ(reader.findById(11).sensors, (std::vector<std::string>{""}));
    EXPECT_EQ(reader.find("tokyo-1", 11), std::nullopt);
    ASSERT_EQ(reader.list({}).size(), 2u);
    EXPECT_EQ(reader.list({}).front(), scan());
    EXPECT_EQ(reader.list({IncidentFilter::States::All, "tokyo-1"}).size(), 0u);
    std::vector<IncidentChange> story = reader.history("", 11);
    ASSERT_EQ(story.size(), 2u);
    EXPECT_EQ(story[1].alert_count, 40u);
    EXPECT_EQ(reader.loadOpen("tokyo-1"), (std::vector<Incident>{scan()}));
    EXPECT_THROW(reader.save(scan()), IncidentStoreError);
  }
  EXPECT_EQ(version(path), "1") << "a reader never migrates";
  EXPECT_EQ(schema(path), before);
}

TEST(IncidentStoreMigration, OpeningAVersionOneFileForWritingMigratesItInPlace) {
  const std::string dir = test::tempDir();
  const std::string path = dir + "/incidents.db", fresh = dir + "/fresh.db";
  exec(path, kVersion1);
  IncidentStore::open(fresh);
  {
    IncidentStore store = IncidentStore::open(path);
    EXPECT_EQ(store.find("", 11), scan());
    // What continues on a sensor after the upgrade: its open incidents, under sensor "".
    EXPECT_EQ(store.loadOpen("tokyo-1"), (std::vector<Incident>{scan()}));
    Incident more = scan();
    more.alert_count = 50;
    more.state = IncidentState::Closed;
    store.save(more);
    Incident named = scan();
    named.sensor = "tokyo-1";
    named.sensors = {"tokyo-1"};
    store.save(named);
    EXPECT_EQ(store.find("", 11), more);
    EXPECT_EQ(store.find("tokyo-1", 11), named);
    std::vector<IncidentChange> story = store.history("", 11);
    ASSERT_EQ(story.size(), 3u) << "the story goes on after its two version-1 changes";
    EXPECT_EQ(story[0].state, IncidentState::Open);
    EXPECT_EQ(story[1].alert_count, 40u);
    EXPECT_EQ(story[2].alert_count, 50u);
    EXPECT_EQ(store.history("", 12).size(), 2u);
    EXPECT_EQ(store.history("tokyo-1", 11).size(), 1u);
  }
  EXPECT_EQ(version(path), "2");
  EXPECT_EQ(schema(path), schema(fresh)) << "the migrated file's tables and indexes are a new store's";
  EXPECT_EQ(query(path, "PRAGMA integrity_check"), (std::vector<std::string>{"ok"}));
  // Opening it again changes nothing.
  IncidentStore::open(path);
  EXPECT_EQ(IncidentStore::openExisting(path).list({}).size(), 3u);
}

TEST(IncidentStoreMigration, AMigrationThatFailsChangesNothing) {
  const std::string path = test::tempDir() + "/incidents.db";
  exec(path, kVersion1);
  // A table in the way of the migration's first step.
  exec(path, "CREATE TABLE incident_history_v1 (x)");
  const std::vector<std::string> before = schema(path);
  try {
    IncidentStore::open(path);
    ADD_FAILURE() << "the migration went through";
  } catch (const IncidentStoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": cannot migrate the incident store from version 1: "),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(version(path), "1");
  EXPECT_EQ(schema(path), before);
  EXPECT_EQ(IncidentStore::openExisting(path).find("", 11), scan());
}

}  // namespace
}  // namespace mamori
