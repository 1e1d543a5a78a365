#include "alerting/incident_store.h"

#include <sqlite3.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "alerting/eve_incident_reader.h"
#include "alerting/sqlite_statement.h"

namespace mamori {
namespace {

// The columns `list` filters and sorts on, and what the table shows, are columns; the
// evidence lists, read only whole, are one JSON text. user_version tells the layout.
constexpr int kSchemaVersion = 2;
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS incidents (
  sensor      TEXT    NOT NULL,     -- who raised it; '' for incidents of a version-1 store
  id          INTEGER NOT NULL,     -- the incident id (below 2^53, as in EVE), unique per sensor
  state       TEXT    NOT NULL,     -- open, updated, closed
  title       TEXT    NOT NULL,
  severity    INTEGER NOT NULL,
  rule        TEXT    NOT NULL,
  first_seen  INTEGER NOT NULL,     -- packet time, microseconds since the epoch
  last_seen   INTEGER NOT NULL,
  source      TEXT    NOT NULL,     -- "" when unset
  alert_count INTEGER NOT NULL,
  evidence    TEXT    NOT NULL,     -- JSON: targets, dest_ports, signature_ids, signatures,
                                    -- flow_ids, alert_ids, domains, stages, tactics,
                                    -- techniques, sensors, group_key
  PRIMARY KEY (sensor, id)
);
CREATE INDEX IF NOT EXISTS incidents_by_state ON incidents(state, last_seen);
CREATE INDEX IF NOT EXISTS incidents_by_last_seen ON incidents(last_seen);
CREATE INDEX IF NOT EXISTS incidents_by_id ON incidents(id);
CREATE TABLE IF NOT EXISTS incident_history (
  seq         INTEGER PRIMARY KEY,  -- save order
  sensor      TEXT    NOT NULL,
  incident_id INTEGER NOT NULL,
  ts          INTEGER NOT NULL,     -- the incident's last_seen at this change
  state       TEXT    NOT NULL,
  severity    INTEGER NOT NULL,
  alert_count INTEGER NOT NULL,
  title       TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_history_by_incident ON incident_history(sensor, incident_id);
)sql";

// Version 1 keyed incidents by id alone. Its tables are renamed (their indexes go with
// them and are dropped, freeing the names), version 2's made, the rows copied under sensor
// '', the old tables dropped: the migrated file's schema is a new one's.
constexpr const char* kMigrateFrom1Before = R"sql(
ALTER TABLE incidents RENAME TO incidents_v1;
ALTER TABLE incident_history RENAME TO incident_history_v1;
DROP INDEX incidents_by_state;
DROP INDEX incidents_by_last_seen;
DROP INDEX incident_history_by_incident;
)sql";
constexpr const char* kMigrateFrom1After = R"sql(
INSERT INTO incidents (sensor, id, state, title, severity, rule, first_seen, last_seen, source, alert_count, evidence)
  SELECT '', id, state, title, severity, rule, first_seen, last_seen, source, alert_count, evidence FROM incidents_v1;
INSERT INTO incident_history (seq, sensor, incident_id, ts, state, severity, alert_count, title)
  SELECT seq, '', incident_id, ts, state, severity, alert_count, title FROM incident_history_v1;
DROP TABLE incidents_v1;
DROP TABLE incident_history_v1;
)sql";

constexpr const char* kColumns =
    "sensor, id, state, title, severity, rule, first_seen, last_seen, source, alert_count, evidence";

using sql::bindText;
using sql::Statement;

// Leaves a statement ready for its next use whichever way its step ended.
class Reset {
 public:
  explicit Reset(sqlite3_stmt* s) : s_(s) {}
  ~Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Reset(const Reset&) = delete;
  Reset& operator=(const Reset&) = delete;

 private:
  sqlite3_stmt* s_;
};

// How messages name an incident: "incident 42 of tokyo-1" ("incident 42" when of no sensor).
std::string incidentName(const std::string& sensor, uint64_t id) {
  return "incident " + std::to_string(id) + (sensor.empty() ? "" : " of " + sensor);
}

const auto columnText = sql::text;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

template <typename List, typename Write>
void writeList(JsonWriter& w, const char* name, const List& list, Write write) {
  w.Key(name);
  w.StartArray();
  for (const auto& item : list) write(item);
  w.EndArray();
}

std::string evidenceJson(const Incident& inc) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  auto text = [&w](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  auto number = [&w](uint64_t n) { w.Uint64(n); };
  w.StartObject();
  writeList(w, "targets", inc.targets, [&](const IpAddress& t) { text(t.toString()); });
  writeList(w, "dest_ports", inc.dest_ports, number);
  writeList(w, "signature_ids", inc.signature_ids, number);
  writeList(w, "signatures", inc.signatures, text);
  writeList(w, "flow_ids", inc.flow_ids, number);
  writeList(w, "alert_ids", inc.alert_ids, number);
  writeList(w, "domains", inc.domains, text);
  writeList(w, "stages", inc.stages, text);
  writeList(w, "tactics", inc.tactics, text);
  writeList(w, "techniques", inc.techniques, text);
  writeList(w, "sensors", inc.sensors, text);
  // What a restarted correlator continues the incident under (IncidentManager::restore).
  w.Key("group_key");
  text(inc.group_key);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// Lists a version-1 store did not have (alert_ids, sensors) read as empty.
bool parseEvidence(const std::string& json, Incident& inc) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !readIncidentLists(doc, inc)) return false;
  auto key = doc.FindMember("group_key");
  if (key == doc.MemberEnd() || !key->value.IsString()) return false;
  inc.group_key.assign(key->value.GetString(), key->value.GetStringLength());
  return true;
}

}  // namespace

struct IncidentStore::Statements {
  Statement begin, commit, rollback, upsert, add_change, load_open, list, find, find_by_id, history, prune_history,
      prune;
};

IncidentStore::IncidentStore(std::string path, sqlite3* db)
    : path_(std::move(path)), db_(db), stmts_(std::make_unique<Statements>()) {}

IncidentStore::IncidentStore(IncidentStore&& other) noexcept
    : path_(std::move(other.path_)),
      db_(std::exchange(other.db_, nullptr)),
      stmts_(std::move(other.stmts_)),
      writable_(other.writable_),
      in_transaction_(other.in_transaction_),
      failed_saves_(other.failedSaves()),
      last_error_(std::move(other.last_error_)),
      retention_(other.retention_),
      last_prune_(other.last_prune_),
      pruned_(other.pruned()) {}

IncidentStore& IncidentStore::operator=(IncidentStore&& other) noexcept {
  if (this != &other) {
    stmts_.reset();
    if (db_) sqlite3_close(db_);
    path_ = std::move(other.path_);
    db_ = std::exchange(other.db_, nullptr);
    stmts_ = std::move(other.stmts_);
    writable_ = other.writable_;
    in_transaction_ = other.in_transaction_;
    failed_saves_ = other.failedSaves();
    last_error_ = std::move(other.last_error_);
    retention_ = other.retention_;
    last_prune_ = other.last_prune_;
    pruned_ = other.pruned();
  }
  return *this;
}

IncidentStore::~IncidentStore() {
  stmts_.reset();  // statements first: a connection with live statements does not close
  if (db_) sqlite3_close(db_);
}

void IncidentStore::fail(const std::string& what) const {
  throw IncidentStoreError(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

IncidentStore IncidentStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  IncidentStore store(path, db);  // owns the handle, also when opening failed
  if (rc != SQLITE_OK) store.fail("cannot open the incident store");
  sqlite3_busy_timeout(db, 5000);
  // WAL: a commit appends its pages to the -wal file with write(2) before it returns, and
  // readers see the last commit, not a half-written one. synchronous=NORMAL skips the
  // fsync per commit: the written pages sit in the kernel's page cache, which outlives
  // the process, so a crash or SIGKILL loses at most the transaction in progress. Only a
  // power loss or kernel crash can lose the last commits (never corrupt the file).
  {
    Statement mode;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &raw, nullptr) != SQLITE_OK) {
      store.fail("cannot open the incident store");
    }
    mode.reset(raw);
    if (sqlite3_step(raw) != SQLITE_ROW) store.fail("cannot open the incident store");
    std::string journal = columnText(raw, 0);
    if (journal != "wal") {
      throw IncidentStoreError(path + ": the incident store needs write-ahead logging (journal mode is " + journal + ")");
    }
  }
  if (sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    store.fail("cannot open the incident store");
  }
  if (store.schemaVersion() < kSchemaVersion) store.upgrade();
  store.prepare(kSchemaVersion, true);
  return store;
}

void IncidentStore::upgrade() {
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail("cannot create the incident store's tables");
  }
  // Read again under the write lock: another process may have upgraded the file meanwhile.
  const int version = schemaVersion();
  std::string sql;
  if (version == 1) sql = kMigrateFrom1Before;
  if (version < kSchemaVersion) sql += kSchema;
  if (version == 1) sql += kMigrateFrom1After;
  if (version < kSchemaVersion) sql += "PRAGMA user_version=" + std::to_string(kSchemaVersion) + ";";
  const char* what = version == 1 ? "cannot migrate the incident store from version 1" : "cannot create the incident store's tables";
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK ||
      sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string error = sqlite3_errmsg(db_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw IncidentStoreError(path_ + ": " + what + ": " + error);
  }
}

IncidentStore IncidentStore::openExisting(const std::string& path) {
  sqlite3* db = nullptr;
  // Read-only. An analyst's account may read the sensor's store without the right to write
  // its folder, where SQLite needs the WAL index files; they exist while the sensor runs.
  // When they do not, no writer is active and the file is read as immutable, which needs
  // none.
  const std::filesystem::path file(path);
  const std::string folder = file.has_parent_path() ? file.parent_path().string() : ".";
  const bool quiet = !std::filesystem::exists(path + "-wal") && access(folder.c_str(), W_OK) != 0;
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      uri += escaped;
    } else {
      uri += c;
    }
  }
  if (quiet) uri += "?immutable=1";
  int rc = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  IncidentStore store(path, db);
  if (rc != SQLITE_OK) {
    throw IncidentStoreError(path + ": no incident store there (" + sqlite3_errmsg(db) + ")");
  }
  sqlite3_busy_timeout(db, 5000);
  const int version = store.schemaVersion();
  if (version == 0) throw IncidentStoreError(path + ": not an incident store");
  store.prepare(version, false);
  return store;
}

int IncidentStore::schemaVersion() {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &raw, nullptr) != SQLITE_OK) fail("not an incident store");
  Statement version(raw);
  if (sqlite3_step(raw) != SQLITE_ROW) fail("not an incident store");
  int found = sqlite3_column_int(raw, 0);
  if (found > kSchemaVersion) {
    throw IncidentStoreError(path_ + ": written by a newer mamori (store version " + std::to_string(found) + ")");
  }
  return found;
}

void IncidentStore::prepare(int version, bool writable) {
  // Version 1 read as version 2: its rows are sensor ''.
  const std::string incidents = version == 1 ? "(SELECT '' AS sensor, * FROM incidents)" : "incidents";
  const std::string history = version == 1 ? "(SELECT '' AS sensor, * FROM incident_history)" : "incident_history";
  const std::string select = std::string("SELECT ") + kColumns + " FROM " + incidents + " ";
  auto make = [&](Statement& into, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      fail("not an incident store");
    }
    into.reset(s);
  };
  make(stmts_->load_open, select + "WHERE state != 'closed' AND sensor IN (?1, '') ORDER BY last_seen, id, sensor");
  make(stmts_->list, select + "WHERE state IN (?1, ?2, ?3) AND (?4 = '' OR sensor = ?4) "
                              "ORDER BY last_seen DESC, id DESC, sensor DESC");
  make(stmts_->find, select + "WHERE sensor = ?1 AND id = ?2");
  make(stmts_->find_by_id, select + "WHERE id = ?1 ORDER BY sensor");
  make(stmts_->history, "SELECT ts, state, severity, alert_count, title FROM " + history +
                            " WHERE sensor = ?1 AND incident_id = ?2 ORDER BY seq");
  writable_ = writable;
  if (!writable) return;
  make(stmts_->begin, "BEGIN IMMEDIATE");
  make(stmts_->commit, "COMMIT");
  make(stmts_->rollback, "ROLLBACK");
  make(stmts_->upsert,
       std::string("INSERT INTO incidents (") + kColumns +
           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT(sensor, id) DO UPDATE SET "
           "state = excluded.state, title = excluded.title, severity = excluded.severity, rule = excluded.rule, "
           "first_seen = excluded.first_seen, last_seen = excluded.last_seen, source = excluded.source, "
           "alert_count = excluded.alert_count, evidence = excluded.evidence");
  make(stmts_->add_change,
       "INSERT INTO incident_history (sensor, incident_id, ts, state, severity, alert_count, title) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  make(stmts_->prune_history,
       "DELETE FROM incident_history WHERE (sensor, incident_id) IN "
       "(SELECT sensor, id FROM incidents WHERE state = 'closed' AND last_seen < ?1)");
  make(stmts_->prune, "DELETE FROM incidents WHERE state = 'closed' AND last_seen < ?1");
}

void IncidentStore::requireWritable() const {
  if (!writable_) throw IncidentStoreError(path_ + ": the incident store is open read-only");
}

bool IncidentStore::step(sqlite3_stmt* s, std::string& error) {
  Reset reset(s);
  if (sqlite3_step(s) == SQLITE_DONE) return true;
  if (error.empty()) error = sqlite3_errmsg(db_);
  return false;
}

bool IncidentStore::begin(std::string& error) { return in_transaction_ || step(stmts_->begin.get(), error); }

void IncidentStore::commit(bool ok, std::string& error, const std::string& what) {
  if (in_transaction_) {
    if (ok) return;
    throw IncidentStoreError(path_ + ": " + what + ": " + error);
  }
  if (ok) ok = step(stmts_->commit.get(), error);
  if (ok) return;
  if (!sqlite3_get_autocommit(db_)) step(stmts_->rollback.get(), error);
  throw IncidentStoreError(path_ + ": " + what + ": " + error);
}

void IncidentStore::save(const Incident& inc) {
  requireWritable();
  std::string error;
  auto id = static_cast<sqlite3_int64>(inc.id);
  const std::string state = incidentStateName(inc.state);
  bool ok = begin(error);
  if (ok) {
    sqlite3_stmt* up = stmts_->upsert.get();
    bindText(up, 1, inc.sensor);
    sqlite3_bind_int64(up, 2, id);
    bindText(up, 3, state);
    bindText(up, 4, inc.title);
    sqlite3_bind_int(up, 5, inc.severity);
    bindText(up, 6, inc.rule);
    sqlite3_bind_int64(up, 7, inc.first_seen);
    sqlite3_bind_int64(up, 8, inc.last_seen);
    bindText(up, 9, inc.source.toString());
    sqlite3_bind_int64(up, 10, static_cast<sqlite3_int64>(inc.alert_count));
    bindText(up, 11, evidenceJson(inc));
    ok = step(up, error);
  }
  if (ok) {
    sqlite3_stmt* ch = stmts_->add_change.get();
    bindText(ch, 1, inc.sensor);
    sqlite3_bind_int64(ch, 2, id);
    sqlite3_bind_int64(ch, 3, inc.last_seen);
    bindText(ch, 4, state);
    sqlite3_bind_int(ch, 5, inc.severity);
    sqlite3_bind_int64(ch, 6, static_cast<sqlite3_int64>(inc.alert_count));
    bindText(ch, 7, inc.title);
    ok = step(ch, error);
  }
  commit(ok, error, "cannot save " + incidentName(inc.sensor, inc.id));

  constexpr TimeUs kPruneInterval = 3600LL * 1000000;
  if (retention_ > 0 && inc.state == IncidentState::Closed &&
      (last_prune_ == 0 || inc.last_seen - last_prune_ >= kPruneInterval)) {
    last_prune_ = inc.last_seen;
    try {
      pruned_.fetch_add(prune(inc.last_seen - retention_), std::memory_order_relaxed);
    } catch (const IncidentStoreError& e) {
      last_error_ = e.what();  // the save stands; the next pass tries again
    }
  }
}

void IncidentStore::transaction(const std::function<void()>& body) {
  requireWritable();
  if (in_transaction_) throw IncidentStoreError(path_ + ": a transaction is already open");
  std::string error;
  if (!step(stmts_->begin.get(), error)) throw IncidentStoreError(path_ + ": cannot begin a transaction: " + error);
  in_transaction_ = true;
  try {
    body();
  } catch (...) {
    in_transaction_ = false;
    if (!sqlite3_get_autocommit(db_)) step(stmts_->rollback.get(), error);
    throw;
  }
  in_transaction_ = false;
  commit(true, error, "cannot commit a transaction");
}

size_t IncidentStore::prune(TimeUs closed_before) {
  requireWritable();
  std::string error;
  size_t removed = 0;
  bool ok = begin(error);
  if (ok) {
    sqlite3_bind_int64(stmts_->prune_history.get(), 1, closed_before);
    ok = step(stmts_->prune_history.get(), error);
  }
  if (ok) {
    sqlite3_bind_int64(stmts_->prune.get(), 1, closed_before);
    ok = step(stmts_->prune.get(), error);
    removed = static_cast<size_t>(sqlite3_changes(db_));
  }
  commit(ok, error, "cannot remove old incidents");
  return removed;
}

void IncidentStore::onIncident(const Incident& incident) {
  try {
    save(incident);
  } catch (const IncidentStoreError& e) {
    failed_saves_.fetch_add(1, std::memory_order_relaxed);
    last_error_ = e.what();
  }
}

Incident IncidentStore::readIncident(sqlite3_stmt* s) const {
  Incident inc;
  inc.sensor = columnText(s, 0);
  inc.id = static_cast<uint64_t>(sqlite3_column_int64(s, 1));
  const std::string where = path_ + ": " + incidentName(inc.sensor, inc.id);
  std::string state = columnText(s, 2);
  if (!incidentStateFromName(state, inc.state)) throw IncidentStoreError(where + ": unknown state '" + state + "'");
  inc.title = columnText(s, 3);
  inc.severity = sqlite3_column_int(s, 4);
  inc.rule = columnText(s, 5);
  inc.first_seen = sqlite3_column_int64(s, 6);
  inc.last_seen = sqlite3_column_int64(s, 7);
  std::string source = columnText(s, 8);
  if (!source.empty() && !IpAddress::parse(source, inc.source)) {
    throw IncidentStoreError(where + ": bad source address '" + source + "'");
  }
  inc.alert_count = static_cast<uint64_t>(sqlite3_column_int64(s, 9));
  if (!parseEvidence(columnText(s, 10), inc)) throw IncidentStoreError(where + ": damaged evidence");
  return inc;
}

std::vector<Incident> IncidentStore::readIncidents(sqlite3_stmt* s) {
  Reset reset(s);
  std::vector<Incident> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(readIncident(s));
  if (rc != SQLITE_DONE) fail("cannot read incidents");
  return out;
}

std::vector<Incident> IncidentStore::loadOpen(const std::string& sensor) {
  sqlite3_stmt* s = stmts_->load_open.get();
  bindText(s, 1, sensor);
  return readIncidents(s);
}

std::vector<Incident> IncidentStore::list(const IncidentFilter& filter) {
  sqlite3_stmt* s = stmts_->list.get();
  const char* open = incidentStateName(IncidentState::Open);
  const char* updated = incidentStateName(IncidentState::Updated);
  const char* closed = incidentStateName(IncidentState::Closed);
  std::array<const char*, 3> states{open, updated, closed};
  if (filter.states == IncidentFilter::States::NotClosed) states = {open, updated, updated};
  if (filter.states == IncidentFilter::States::Closed) states = {closed, closed, closed};
  for (int i = 0; i < 3; ++i) sqlite3_bind_text(s, i + 1, states[i], -1, SQLITE_STATIC);
  bindText(s, 4, filter.sensor);
  return readIncidents(s);
}

std::optional<Incident> IncidentStore::find(const std::string& sensor, uint64_t id) {
  sqlite3_stmt* s = stmts_->find.get();
  bindText(s, 1, sensor);
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(id));
  std::vector<Incident> found = readIncidents(s);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

IncidentsWithId IncidentStore::findById(uint64_t id) {
  sqlite3_stmt* s = stmts_->find_by_id.get();
  sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(id));
  std::vector<Incident> found = readIncidents(s);
  IncidentsWithId out;
  for (const Incident& inc : found) out.sensors.push_back(inc.sensor);
  if (found.size() == 1) out.incident = std::move(found.front());
  return out;
}

std::vector<IncidentChange> IncidentStore::history(const std::string& sensor, uint64_t id) {
  sqlite3_stmt* s = stmts_->history.get();
  Reset reset(s);
  bindText(s, 1, sensor);
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(id));
  std::vector<IncidentChange> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    IncidentChange change;
    change.ts = sqlite3_column_int64(s, 0);
    std::string state = columnText(s, 1);
    if (!incidentStateFromName(state, change.state)) {
      throw IncidentStoreError(path_ + ": " + incidentName(sensor, id) + ": unknown state '" + state + "' in its history");
    }
    change.severity = sqlite3_column_int(s, 2);
    change.alert_count = static_cast<uint64_t>(sqlite3_column_int64(s, 3));
    change.title = columnText(s, 4);
    out.push_back(std::move(change));
  }
  if (rc != SQLITE_DONE) fail("cannot read the history of " + incidentName(sensor, id));
  return out;
}

}  // namespace mamori
