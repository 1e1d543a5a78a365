#pragma once
// The small pieces every SQLite table keeper here uses (the incident store, the central's
// checkpoint and rule sets, the console's triage): an owned prepared statement, text in and
// out of one, and preparing or stepping one with a failure that names the store's path.
// Any thread that owns the connection.
#include <sqlite3.h>

#include <memory>
#include <string>

#include "alerting/incident_store.h"

namespace mamori::sql {

struct Finalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

inline std::string text(sqlite3_stmt* s, int column) {
  const unsigned char* t = sqlite3_column_text(s, column);
  return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s, column)) : std::string();
}

inline void bindText(sqlite3_stmt* s, int index, const std::string& value) {
  sqlite3_bind_text(s, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

// Throws IncidentStoreError naming `path` when SQLite cannot prepare `sql`.
inline Statement prepare(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    throw IncidentStoreError(path + ": " + sqlite3_errmsg(db));
  }
  return Statement(raw);
}

// Steps a statement that returns no rows; throws IncidentStoreError naming `path` otherwise.
inline void done(sqlite3* db, const std::string& path, sqlite3_stmt* s) {
  if (sqlite3_step(s) != SQLITE_DONE) throw IncidentStoreError(path + ": " + sqlite3_errmsg(db));
}

}  // namespace mamori::sql
