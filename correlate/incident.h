#pragma once
// An incident: the story behind a group of alerts (EVE `incident`).
// Produced by correlate, consumed by alerting.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capture/ip_address.h"
#include "capture/packet.h"

namespace mamori {

enum class IncidentState : uint8_t { Open, Updated, Closed };
const char* incidentStateName(IncidentState s);  // "open", "updated", "closed"
// The state a name gives; false for any other text.
bool incidentStateFromName(std::string_view name, IncidentState& out);

struct Incident {
  uint64_t id = 0;  // unique per sensor only: two sensors seeing the same traffic compute the same ids
  // Who raised it: the sensor's name (sensor.name), or the central's for a cross-sensor
  // incident. In EVE it is the record's `host`.
  std::string sensor;
  IncidentState state = IncidentState::Open;
  std::string title;
  int severity = 3;  // 1 highest, as alert severity
  TimeUs first_seen = 0, last_seen = 0;
  IpAddress source;                  // the host the alerts came from
  std::vector<IpAddress> targets;    // hosts it reached, sorted, unique
  std::vector<uint16_t> dest_ports;  // sorted, unique
  std::vector<uint32_t> signature_ids;   // sorted, unique
  std::vector<std::string> signatures;   // msg of each, same order as signature_ids
  std::vector<uint64_t> flow_ids;        // sorted, unique
  std::vector<uint64_t> alert_ids;       // Alert::id() of the alerts among its evidence; sorted, unique
  uint64_t alert_count = 0;              // events counted: alerts, or flows and records for rules on those
  // The correlation rule that raised the incident, the stages it saw in order
  // (temporal_ordered), the domains involved, and the ATT&CK tactics / techniques of its
  // evidence ("TA0001", "T1190"), sorted, unique.
  std::string rule;
  // The rule's group-by values in canonical text ("src_ip=203.0.113.66,dest_port=22"):
  // with `rule` it names the incident's group, so a restarted process continues a stored
  // incident instead of opening a second one ("" for a rule without group-by).
  std::string group_key;
  std::vector<std::string> stages;
  std::vector<std::string> domains;
  std::vector<std::string> tactics, techniques;
  // Every sensor whose events are in the evidence (their EVE `host`), sorted, unique: empty
  // on a sensor's own incidents, whose events name no sensor.
  std::vector<std::string> sensors;

  bool operator==(const Incident&) const = default;
};

class IncidentSink {
 public:
  virtual ~IncidentSink() = default;
  virtual void onIncident(const Incident& incident) = 0;
};

}  // namespace mamori
