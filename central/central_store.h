#pragma once
// CentralStore: what the central keeps in its SQLite file besides the incidents (which
// IncidentStore keeps in the same file): how far each sensor stream has been stored and
// how long the merged EVE file was at that moment (the checkpoint), the accepted rule sets
// with their versions, and the audit trail of every push.
//
// Exactly once: the central writes a batch's records to the merged EVE file, then commits
// the batch's incident saves and the checkpoint in one transaction, then acknowledges. A
// central killed between the EVE write and the commit finds the EVE file longer than the
// checkpoint at start-up and cuts it back (the sensors resend those records, since they
// were never acknowledged); one killed after the commit has stored them once.
//
// Uses the IncidentStore's connection, so one transaction covers both; single-threaded
// (the central's main loop).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerting/incident_store.h"
#include "uplink/rule_set_package.h"

struct sqlite3;

namespace mamori {

struct StreamCheckpoint {
  std::string stream;  // the sensor's spool stream id
  uint64_t last_seq = 0;
};

struct StoredRuleSet {
  uint64_t sequence = 0;
  std::string version;
  int64_t created_us = 0;  // wall time
  std::string author, author_fingerprint, comment;
};

// One push or rollback, as the audit trail keeps it.
struct PushRecord {
  uint64_t id = 0;
  int64_t time_us = 0;  // wall time
  std::string kind;     // "push" or "rollback"
  std::string author, author_fingerprint, comment;
  std::string version;  // "" when refused by the central
  std::string result;   // "accepted" or "refused"
  std::vector<std::string> errors;
  struct SensorResult {
    std::string sensor, result;  // "ok", "refused"
    uint64_t rules_loaded = 0;
    double build_seconds = 0;
    std::vector<std::string> errors;
    int64_t time_us = 0;
  };
  std::vector<SensorResult> sensors;
};

class CentralStore {
 public:
  // Adds the central's tables to the store's file when missing. Throws IncidentStoreError.
  explicit CentralStore(IncidentStore& incidents);

  IncidentStore& incidents() { return incidents_; }

  // The checkpoint: the merged EVE file's length and every sensor's stream position.
  uint64_t eveOffset();
  std::map<std::string, StreamCheckpoint> streams();  // by sensor name
  // Inside a transaction (IncidentStore::transaction): records the checkpoint.
  void saveCheckpoint(uint64_t eve_offset, const std::map<std::string, StreamCheckpoint>& changed);

  // Rule sets. nextRuleSetSequence() is one past the highest kept or ever given.
  uint64_t nextRuleSetSequence();
  void saveRuleSet(const RuleSetPackage& package, uint64_t sequence, const std::string& author,
                   const std::string& author_fingerprint, int64_t created_us);
  std::optional<RuleSetPackage> loadRuleSet(const std::string& version);
  std::vector<StoredRuleSet> ruleSets();  // newest first
  // Removes the rule sets older than the `keep` newest, never `current`.
  void pruneRuleSets(size_t keep, const std::string& current);
  std::string currentVersion();
  void setCurrentVersion(const std::string& version);

  // Audit trail.
  uint64_t addPush(const PushRecord& push);  // returns its id
  void addPushResult(uint64_t push_id, const PushRecord::SensorResult& result);
  std::vector<PushRecord> pushes(size_t limit);  // newest first, with their sensor results
  // The latest accepted push of `version`; 0 when none.
  uint64_t latestPushOf(const std::string& version);
  // Whether `sensor` refused the latest push of `version` (a later push or rollback of the
  // same version is offered again).
  bool refused(const std::string& sensor, const std::string& version);

 private:
  void exec(const char* sql);
  IncidentStore& incidents_;
  sqlite3* db_;
};

}  // namespace mamori
