#include "central/central_store.h"

#include <sqlite3.h>

#include <cstring>
#include <memory>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "alerting/sqlite_statement.h"

namespace mamori {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS central_checkpoint (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  eve_offset  INTEGER NOT NULL,   -- bytes of the merged EVE file the stored records fill
  current_rules TEXT NOT NULL     -- the rule set version sensors are given ("" none yet)
);
INSERT OR IGNORE INTO central_checkpoint (id, eve_offset, current_rules) VALUES (1, 0, '');
CREATE TABLE IF NOT EXISTS central_streams (
  sensor      TEXT PRIMARY KEY,
  stream      TEXT NOT NULL,      -- the sensor spool's stream id
  last_seq    INTEGER NOT NULL    -- every record of the stream up to it is stored
);
CREATE TABLE IF NOT EXISTS central_rule_sets (
  sequence    INTEGER PRIMARY KEY,
  version     TEXT NOT NULL UNIQUE,
  created     INTEGER NOT NULL,   -- wall time, microseconds since the epoch
  author      TEXT NOT NULL,
  author_fingerprint TEXT NOT NULL,
  comment     TEXT NOT NULL,
  files       BLOB                -- length-prefixed names and texts; NULL once pruned
);
CREATE TABLE IF NOT EXISTS central_pushes (
  id          INTEGER PRIMARY KEY,
  time        INTEGER NOT NULL,
  kind        TEXT NOT NULL,      -- push, rollback
  author      TEXT NOT NULL,
  author_fingerprint TEXT NOT NULL,
  comment     TEXT NOT NULL,
  version     TEXT NOT NULL,      -- "" when the central refused the set
  result      TEXT NOT NULL,      -- accepted, refused
  errors      TEXT NOT NULL       -- JSON array
);
CREATE TABLE IF NOT EXISTS central_push_results (
  push_id     INTEGER NOT NULL,
  sensor      TEXT NOT NULL,
  time        INTEGER NOT NULL,
  result      TEXT NOT NULL,      -- ok, refused
  rules_loaded INTEGER NOT NULL,
  build_seconds REAL NOT NULL,
  errors      TEXT NOT NULL,      -- JSON array
  PRIMARY KEY (push_id, sensor)
);
)sql";

using sql::bindText;
using sql::done;
using sql::prepare;
using sql::Statement;
using sql::text;

std::string errorsJson(const std::vector<std::string>& errors) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const auto& e : errors) w.String(e.data(), static_cast<rapidjson::SizeType>(e.size()));
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

std::vector<std::string> parseErrors(const std::string& json) {
  std::vector<std::string> out;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) return out;
  for (const auto& v : doc.GetArray()) {
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

std::string packFiles(const RuleSetPackage& package) {
  std::string out;
  auto put = [&out](const std::string& s) {
    const uint64_t n = s.size();
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += s;
  };
  for (const RuleSetFile& f : package.files) {
    put(f.name);
    put(f.text);
  }
  return out;
}

bool unpackFiles(const std::string& blob, std::vector<RuleSetFile>& files) {
  size_t at = 0;
  auto get = [&](std::string& out) {
    uint64_t n = 0;
    if (blob.size() - at < sizeof n) return false;
    std::memcpy(&n, blob.data() + at, sizeof n);
    at += sizeof n;
    if (blob.size() - at < n) return false;
    out.assign(blob, at, n);
    at += n;
    return true;
  };
  while (at < blob.size()) {
    RuleSetFile f;
    if (!get(f.name) || !get(f.text)) return false;
    files.push_back(std::move(f));
  }
  return true;
}

}  // namespace

CentralStore::CentralStore(IncidentStore& incidents) : incidents_(incidents), db_(incidents.connection()) {
  exec(kSchema);
}

void CentralStore::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw IncidentStoreError(incidents_.path() + ": " + why);
  }
}

uint64_t CentralStore::eveOffset() {
  auto s = prepare(db_, incidents_.path(), "SELECT eve_offset FROM central_checkpoint WHERE id = 1");
  return sqlite3_step(s.get()) == SQLITE_ROW ? static_cast<uint64_t>(sqlite3_column_int64(s.get(), 0)) : 0;
}

std::map<std::string, StreamCheckpoint> CentralStore::streams() {
  std::map<std::string, StreamCheckpoint> out;
  auto s = prepare(db_, incidents_.path(), "SELECT sensor, stream, last_seq FROM central_streams");
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    out[text(s.get(), 0)] = StreamCheckpoint{text(s.get(), 1), static_cast<uint64_t>(sqlite3_column_int64(s.get(), 2))};
  }
  return out;
}

void CentralStore::saveCheckpoint(uint64_t eve_offset, const std::map<std::string, StreamCheckpoint>& changed) {
  auto offset = prepare(db_, incidents_.path(), "UPDATE central_checkpoint SET eve_offset = ?1 WHERE id = 1");
  sqlite3_bind_int64(offset.get(), 1, static_cast<sqlite3_int64>(eve_offset));
  done(db_, incidents_.path(), offset.get());
  if (changed.empty()) return;
  auto stream = prepare(db_, incidents_.path(),
                        "INSERT INTO central_streams (sensor, stream, last_seq) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT(sensor) DO UPDATE SET stream = excluded.stream, last_seq = excluded.last_seq");
  for (const auto& [sensor, c] : changed) {
    bindText(stream.get(), 1, sensor);
    bindText(stream.get(), 2, c.stream);
    sqlite3_bind_int64(stream.get(), 3, static_cast<sqlite3_int64>(c.last_seq));
    done(db_, incidents_.path(), stream.get());
    sqlite3_reset(stream.get());
  }
}

uint64_t CentralStore::nextRuleSetSequence() {
  auto s = prepare(db_, incidents_.path(), "SELECT COALESCE(MAX(sequence), 0) + 1 FROM central_rule_sets");
  return sqlite3_step(s.get()) == SQLITE_ROW ? static_cast<uint64_t>(sqlite3_column_int64(s.get(), 0)) : 1;
}

void CentralStore::saveRuleSet(const RuleSetPackage& package, uint64_t sequence, const std::string& author,
                               const std::string& author_fingerprint, int64_t created_us) {
  auto s = prepare(db_, incidents_.path(),
                   "INSERT INTO central_rule_sets (sequence, version, created, author, author_fingerprint, comment, "
                   "files) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  const std::string blob = packFiles(package);
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(sequence));
  bindText(s.get(), 2, package.version);
  sqlite3_bind_int64(s.get(), 3, created_us);
  bindText(s.get(), 4, author);
  bindText(s.get(), 5, author_fingerprint);
  bindText(s.get(), 6, package.comment);
  sqlite3_bind_blob(s.get(), 7, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  done(db_, incidents_.path(), s.get());
}

std::optional<RuleSetPackage> CentralStore::loadRuleSet(const std::string& version) {
  auto s = prepare(db_, incidents_.path(), "SELECT comment, files FROM central_rule_sets WHERE version = ?1");
  bindText(s.get(), 1, version);
  if (sqlite3_step(s.get()) != SQLITE_ROW || sqlite3_column_type(s.get(), 1) == SQLITE_NULL) return std::nullopt;
  RuleSetPackage package;
  package.version = version;
  package.comment = text(s.get(), 0);
  const auto* blob = static_cast<const char*>(sqlite3_column_blob(s.get(), 1));
  if (!unpackFiles(std::string(blob ? blob : "", sqlite3_column_bytes(s.get(), 1)), package.files)) {
    throw IncidentStoreError(incidents_.path() + ": rule set " + version + " is damaged");
  }
  return package;
}

std::vector<StoredRuleSet> CentralStore::ruleSets() {
  std::vector<StoredRuleSet> out;
  auto s = prepare(db_, incidents_.path(),
                   "SELECT sequence, version, created, author, author_fingerprint, comment FROM central_rule_sets "
                   "WHERE files IS NOT NULL ORDER BY sequence DESC");
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    out.push_back({static_cast<uint64_t>(sqlite3_column_int64(s.get(), 0)), text(s.get(), 1),
                   sqlite3_column_int64(s.get(), 2), text(s.get(), 3), text(s.get(), 4), text(s.get(), 5)});
  }
  return out;
}

void CentralStore::pruneRuleSets(size_t keep, const std::string& current) {
  auto s = prepare(db_, incidents_.path(),
                   "UPDATE central_rule_sets SET files = NULL WHERE version != ?1 AND files IS NOT NULL AND sequence NOT IN "
                   "(SELECT sequence FROM central_rule_sets WHERE files IS NOT NULL ORDER BY sequence DESC LIMIT ?2)");
  bindText(s.get(), 1, current);
  sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(keep));
  done(db_, incidents_.path(), s.get());
}

std::string CentralStore::currentVersion() {
  auto s = prepare(db_, incidents_.path(), "SELECT current_rules FROM central_checkpoint WHERE id = 1");
  return sqlite3_step(s.get()) == SQLITE_ROW ? text(s.get(), 0) : std::string();
}

void CentralStore::setCurrentVersion(const std::string& version) {
  auto s = prepare(db_, incidents_.path(), "UPDATE central_checkpoint SET current_rules = ?1 WHERE id = 1");
  bindText(s.get(), 1, version);
  done(db_, incidents_.path(), s.get());
}

uint64_t CentralStore::addPush(const PushRecord& push) {
  auto s = prepare(db_, incidents_.path(),
                   "INSERT INTO central_pushes (time, kind, author, author_fingerprint, comment, version, result, errors) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  sqlite3_bind_int64(s.get(), 1, push.time_us);
  bindText(s.get(), 2, push.kind);
  bindText(s.get(), 3, push.author);
  bindText(s.get(), 4, push.author_fingerprint);
  bindText(s.get(), 5, push.comment);
  bindText(s.get(), 6, push.version);
  bindText(s.get(), 7, push.result);
  bindText(s.get(), 8, errorsJson(push.errors));
  done(db_, incidents_.path(), s.get());
  return static_cast<uint64_t>(sqlite3_last_insert_rowid(db_));
}

void CentralStore::addPushResult(uint64_t push_id, const PushRecord::SensorResult& r) {
  auto s = prepare(db_, incidents_.path(),
                   "INSERT OR REPLACE INTO central_push_results (push_id, sensor, time, result, rules_loaded, "
                   "build_seconds, errors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(push_id));
  bindText(s.get(), 2, r.sensor);
  sqlite3_bind_int64(s.get(), 3, r.time_us);
  bindText(s.get(), 4, r.result);
  sqlite3_bind_int64(s.get(), 5, static_cast<sqlite3_int64>(r.rules_loaded));
  sqlite3_bind_double(s.get(), 6, r.build_seconds);
  bindText(s.get(), 7, errorsJson(r.errors));
  done(db_, incidents_.path(), s.get());
}

std::vector<PushRecord> CentralStore::pushes(size_t limit) {
  std::vector<PushRecord> out;
  auto s = prepare(db_, incidents_.path(),
                   "SELECT id, time, kind, author, author_fingerprint, comment, version, result, errors "
                   "FROM central_pushes ORDER BY id DESC LIMIT ?1");
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(limit));
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    PushRecord p;
    p.id = static_cast<uint64_t>(sqlite3_column_int64(s.get(), 0));
    p.time_us = sqlite3_column_int64(s.get(), 1);
    p.kind = text(s.get(), 2);
    p.author = text(s.get(), 3);
    p.author_fingerprint = text(s.get(), 4);
    p.comment = text(s.get(), 5);
    p.version = text(s.get(), 6);
    p.result = text(s.get(), 7);
    p.errors = parseErrors(text(s.get(), 8));
    out.push_back(std::move(p));
  }
  auto results = prepare(db_, incidents_.path(),
                         "SELECT sensor, result, rules_loaded, build_seconds, errors, time FROM central_push_results "
                         "WHERE push_id = ?1 ORDER BY sensor");
  for (PushRecord& p : out) {
    sqlite3_bind_int64(results.get(), 1, static_cast<sqlite3_int64>(p.id));
    while (sqlite3_step(results.get()) == SQLITE_ROW) {
      p.sensors.push_back({text(results.get(), 0), text(results.get(), 1),
                           static_cast<uint64_t>(sqlite3_column_int64(results.get(), 2)),
                           sqlite3_column_double(results.get(), 3), parseErrors(text(results.get(), 4)),
                           sqlite3_column_int64(results.get(), 5)});
    }
    sqlite3_reset(results.get());
  }
  return out;
}

uint64_t CentralStore::latestPushOf(const std::string& version) {
  auto s = prepare(db_, incidents_.path(),
                   "SELECT MAX(id) FROM central_pushes WHERE version = ?1 AND result = 'accepted'");
  bindText(s.get(), 1, version);
  return sqlite3_step(s.get()) == SQLITE_ROW ? static_cast<uint64_t>(sqlite3_column_int64(s.get(), 0)) : 0;
}

bool CentralStore::refused(const std::string& sensor, const std::string& version) {
  auto s = prepare(db_, incidents_.path(),
                   "SELECT result FROM central_push_results WHERE sensor = ?1 AND push_id = "
                   "(SELECT MAX(id) FROM central_pushes WHERE version = ?2 AND result = 'accepted')");
  bindText(s.get(), 1, sensor);
  bindText(s.get(), 2, version);
  return sqlite3_step(s.get()) == SQLITE_ROW && text(s.get(), 0) == "refused";
}

}  // namespace mamori
