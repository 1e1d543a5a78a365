#pragma once
// TriageStore: the analysts' triage of each incident and every action taken, in two tables
// of the incident store's file (incident_triage, incident_actions), so they are kept with
// the incidents they are about and survive a restart.
//
// Uses a connection of its own to the file (WAL: the sensor or central writing incidents is
// never blocked for long, and SQLite's busy timeout waits out its transactions). Not
// thread-safe: the console serialises its calls.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "alerting/incident_store.h"
#include "console/triage.h"

namespace mamori {

class TriageStore {
 public:
  // Creates the tables when missing; throws IncidentStoreError naming the file.
  explicit TriageStore(IncidentStore& store);

  // Every incident's triage, by "SENSOR/ID".
  std::map<std::string, Triage> all();
  // The incident's actions, oldest first.
  std::vector<TriageAction> actions(const std::string& sensor, uint64_t id);
  // Stores the action and the triage it led to in one transaction; throws
  // IncidentStoreError (and keeps neither) when the write fails.
  void record(const std::string& sensor, uint64_t id, const TriageAction& action, const Triage& after);

 private:
  IncidentStore& store_;
};

// "SENSOR/ID": how the console and its API name an incident.
std::string incidentKey(const std::string& sensor, uint64_t id);
// The inverse; false for text that is not SENSOR/ID with ID all digits.
bool parseIncidentKey(std::string_view key, std::string& sensor, uint64_t& id);

}  // namespace mamori
