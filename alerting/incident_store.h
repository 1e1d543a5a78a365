#pragma once
// The incident store: every incident's latest snapshot and the story of its changes, in
// one SQLite file, so that open incidents outlive a restart (also after `kill -9`) and
// `mamori incidents list|show` can read them while a sensor writes.
//
// Consumes Incident snapshots (as an IncidentSink, or through save()); each save is one
// transaction: the snapshot replaces the incident's row and one history row records the
// change. Reads give complete Incidents back, every field as it was saved. Incidents are
// keyed by (sensor, id): ids are unique per sensor only (two sensors seeing the same
// traffic compute the same ids), and a central keeps every sensor's incidents in one store.
//
// Schema version 2. A version-1 file (before sensors) is migrated in place when opened for
// writing, in one transaction, its incidents under sensor ""; opened for reading only it is
// read as it is, its incidents under sensor "".
//
// One store per thread: the connection and its prepared statements are not shared.
// Several processes may open the same file (WAL: readers never block the writer).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "capture/packet.h"
#include "correlate/incident.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mamori {

// Names the store's path and what SQLite said.
class IncidentStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One saved change of an incident, in the order saved.
struct IncidentChange {
  TimeUs ts = 0;  // the incident's last_seen when it changed (packet time)
  IncidentState state = IncidentState::Open;
  int severity = 3;
  uint64_t alert_count = 0;
  std::string title;
};

struct IncidentFilter {
  enum class States : uint8_t { NotClosed, Closed, All };
  States states = States::All;
  std::string sensor;  // only this sensor's incidents; empty: every sensor's
};

// An incident looked up by id alone: several sensors may have one with that id.
struct IncidentsWithId {
  std::optional<Incident> incident;  // when exactly one sensor has it
  std::vector<std::string> sensors;  // every sensor that has it, sorted
  bool ambiguous() const { return sensors.size() > 1; }
};

class IncidentStore final : public IncidentSink {
 public:
  // Opens `path` for writing, creating the file and its schema when missing and migrating
  // a version-1 file; the folder must exist. Throws IncidentStoreError naming the path.
  static IncidentStore open(const std::string& path);
  // Opens a store that must already exist, never creating one (readers: a mistyped
  // path is an error, not a new empty store), read-only: also a file the caller may only
  // read, in a folder it may not write. Writing to it throws IncidentStoreError.
  static IncidentStore openExisting(const std::string& path);

  IncidentStore(IncidentStore&&) noexcept;
  IncidentStore& operator=(IncidentStore&&) noexcept;
  ~IncidentStore() override;

  // Upserts the snapshot and appends its history row in one transaction (or in the one
  // transaction() holds). Throws IncidentStoreError (and keeps nothing of this save) when
  // the write fails.
  void save(const Incident& incident);
  // Runs `body` in one transaction: the saves it makes and whatever it does on connection()
  // are committed together, or, when body throws or the commit fails, none of them (the
  // exception goes on; a failed commit throws IncidentStoreError). Saves inside do not open
  // transactions of their own; a transaction() inside body throws IncidentStoreError.
  void transaction(const std::function<void()>& body);
  // The store's SQLite connection, for tables of the same file that a caller keeps (the
  // central's checkpoint and rule-set tables), used only on the store's thread.
  sqlite3* connection() { return db_; }
  // As save(), but a failed write (disk full, file removed) is counted, not thrown: the
  // pipeline goes on alerting without its store.
  void onIncident(const Incident& incident) override;
  // Both counters may be read from another thread (stats, /metrics).
  uint64_t failedSaves() const { return failed_saves_.load(std::memory_order_relaxed); }
  const std::string& lastError() const { return last_error_; }

  // Retention: once per hour of packet time, saving a closed incident removes the closed
  // incidents last seen more than `retention` before it, with their history (0, the
  // default: keep everything). Packet time, so a replay of an old capture keeps its own.
  void setRetention(TimeUs retention) { retention_ = retention; }
  // Removes closed incidents last seen before `closed_before`, and their history, in one
  // transaction; returns how many. Open incidents are never removed.
  size_t prune(TimeUs closed_before);
  uint64_t pruned() const { return pruned_.load(std::memory_order_relaxed); }

  // Every incident not closed that `sensor` raised, with those of a version-1 store (which
  // named no sensor: they were its writer's), oldest activity first: what a restarted
  // correlator continues.
  std::vector<Incident> loadOpen(const std::string& sensor);
  // Most recent activity first (last_seen, then id, then sensor).
  std::vector<Incident> list(const IncidentFilter& filter);
  std::optional<Incident> find(const std::string& sensor, uint64_t id);
  IncidentsWithId findById(uint64_t id);
  std::vector<IncidentChange> history(const std::string& sensor, uint64_t id);

  const std::string& path() const { return path_; }

 private:
  struct Statements;
  IncidentStore(std::string path, sqlite3* db);
  int schemaVersion();  // 0 for a file without the schema
  // Creates the schema, or migrates version 1, in one transaction.
  void upgrade();
  // Read statements for the file's schema version; write statements too when writable.
  void prepare(int version, bool writable);
  [[noreturn]] void fail(const std::string& what) const;
  void requireWritable() const;
  // Runs a statement to its end; on failure keeps SQLite's first message in `error`.
  bool step(sqlite3_stmt* s, std::string& error);
  // One change's transaction: begun here unless transaction() holds one.
  bool begin(std::string& error);
  // Commits the change's transaction `ok` says went well (inside transaction(), leaves it
  // open), else rolls back a transaction of its own and throws `what`.
  void commit(bool ok, std::string& error, const std::string& what);
  std::vector<Incident> readIncidents(sqlite3_stmt* stmt);
  Incident readIncident(sqlite3_stmt* stmt) const;

  std::string path_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<Statements> stmts_;
  bool writable_ = false;
  bool in_transaction_ = false;  // inside transaction()'s body
  std::atomic<uint64_t> failed_saves_{0};
  std::string last_error_;
  TimeUs retention_ = 0;
  TimeUs last_prune_ = 0;  // packet time of the last retention pass; 0: none yet
  std::atomic<uint64_t> pruned_{0};
};

}  // namespace mamori
