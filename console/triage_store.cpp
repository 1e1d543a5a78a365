#include "console/triage_store.h"

#include <charconv>

#include "alerting/sqlite_statement.h"

namespace mamori {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS incident_triage (
  sensor      TEXT    NOT NULL,
  incident_id INTEGER NOT NULL,
  status      TEXT    NOT NULL,   -- new, acknowledged, assigned, closed, false_positive
  owner       TEXT    NOT NULL,
  updated_at  INTEGER NOT NULL,   -- wall time, microseconds since the epoch
  updated_by  TEXT    NOT NULL,
  PRIMARY KEY (sensor, incident_id)
);
CREATE TABLE IF NOT EXISTS incident_actions (
  seq         INTEGER PRIMARY KEY,
  sensor      TEXT    NOT NULL,
  incident_id INTEGER NOT NULL,
  at          INTEGER NOT NULL,   -- wall time
  user        TEXT    NOT NULL,
  action      TEXT    NOT NULL,
  owner       TEXT    NOT NULL,
  text        TEXT    NOT NULL    -- the comment, or the reason of a close
);
CREATE INDEX IF NOT EXISTS incident_actions_by_incident ON incident_actions(sensor, incident_id);
)sql";

}  // namespace

std::string incidentKey(const std::string& sensor, uint64_t id) { return sensor + "/" + std::to_string(id); }

bool parseIncidentKey(std::string_view key, std::string& sensor, uint64_t& id) {
  const size_t slash = key.rfind('/');
  if (slash == std::string_view::npos || slash + 1 >= key.size()) return false;
  const std::string_view digits = key.substr(slash + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size()) return false;
  sensor.assign(key.substr(0, slash));
  return true;
}

TriageStore::TriageStore(IncidentStore& store) : store_(store) {
  char* message = nullptr;
  if (sqlite3_exec(store_.connection(), kSchema, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : sqlite3_errmsg(store_.connection());
    sqlite3_free(message);
    throw IncidentStoreError(store_.path() + ": " + why);
  }
}

std::map<std::string, Triage> TriageStore::all() {
  std::map<std::string, Triage> out;
  auto s = sql::prepare(store_.connection(), store_.path(),
                        "SELECT sensor, incident_id, status, owner, updated_at, updated_by FROM incident_triage");
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    Triage t;
    t.status = sql::text(s.get(), 2);
    t.owner = sql::text(s.get(), 3);
    t.updated_at_us = sqlite3_column_int64(s.get(), 4);
    t.updated_by = sql::text(s.get(), 5);
    out[incidentKey(sql::text(s.get(), 0), static_cast<uint64_t>(sqlite3_column_int64(s.get(), 1)))] = t;
  }
  return out;
}

std::vector<TriageAction> TriageStore::actions(const std::string& sensor, uint64_t id) {
  std::vector<TriageAction> out;
  auto s = sql::prepare(store_.connection(), store_.path(),
                        "SELECT at, user, action, owner, text FROM incident_actions "
                        "WHERE sensor = ?1 AND incident_id = ?2 ORDER BY seq");
  sql::bindText(s.get(), 1, sensor);
  sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(id));
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    out.push_back(TriageAction{sqlite3_column_int64(s.get(), 0), sql::text(s.get(), 1), sql::text(s.get(), 2),
                               sql::text(s.get(), 3), sql::text(s.get(), 4)});
  }
  return out;
}

void TriageStore::record(const std::string& sensor, uint64_t id, const TriageAction& action, const Triage& after) {
  sqlite3* db = store_.connection();
  const std::string& path = store_.path();
  store_.transaction([&] {
    auto a = sql::prepare(db, path,
                          "INSERT INTO incident_actions (sensor, incident_id, at, user, action, owner, text) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sql::bindText(a.get(), 1, sensor);
    sqlite3_bind_int64(a.get(), 2, static_cast<sqlite3_int64>(id));
    sqlite3_bind_int64(a.get(), 3, action.at_us);
    sql::bindText(a.get(), 4, action.user);
    sql::bindText(a.get(), 5, action.action);
    sql::bindText(a.get(), 6, action.owner);
    sql::bindText(a.get(), 7, action.text);
    sql::done(db, path, a.get());
    auto t = sql::prepare(db, path,
                          "INSERT INTO incident_triage (sensor, incident_id, status, owner, updated_at, updated_by) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(sensor, incident_id) DO UPDATE SET "
                          "status = excluded.status, owner = excluded.owner, updated_at = excluded.updated_at, "
                          "updated_by = excluded.updated_by");
    sql::bindText(t.get(), 1, sensor);
    sqlite3_bind_int64(t.get(), 2, static_cast<sqlite3_int64>(id));
    sql::bindText(t.get(), 3, after.status);
    sql::bindText(t.get(), 4, after.owner);
    sqlite3_bind_int64(t.get(), 5, after.updated_at_us);
    sql::bindText(t.get(), 6, after.updated_by);
    sql::done(db, path, t.get());
  });
}

}  // namespace mamori
