#pragma once
// One firing of a correlation rule: what CorrelationEngine hands the incident manager.
// Plain data; the engine fills it from the events the rule counted, the manager turns
// repeated matches of one (rule, group) into one growing incident.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "capture/ip_address.h"
#include "capture/packet.h"

namespace mamori {

struct CorrelationMatch {
  std::string rule;   // the correlation rule's id (its `name`, else `id`)
  std::string title;  // the rule's title
  int severity = 3;   // from the rule's level: critical 1, high 2, medium 3, low / informational 4
  // The group-by fields and the values this match is for, in the rule's order, e.g.
  // {{"src_ip", "203.0.113.66"}}; together with `rule` they key the incident.
  std::vector<std::pair<std::string, std::string>> group;
  TimeUs first_seen = 0, last_seen = 0;  // packet time of the first and last counted event
  uint64_t events = 0;                   // events counted (event_count), or distinct values (value_count)
  // Events that joined the group since its previous match (all of them for its first): a
  // group matches again as evidence grows, over windows that overlap, so what an
  // incident counts adds these up, not `events`.
  uint64_t new_events = 0;
  // temporal_ordered / temporal: the base rules in the order their events were seen.
  std::vector<std::string> stages;
  // ATT&CK from the rule's tags (attack.t1046 -> T1046, attack.ta0043 or a tactic name ->
  // TA0043) and from the counted alerts' mitre_tactic_id / mitre_technique_id metadata;
  // sorted, unique.
  std::vector<std::string> tactics, techniques;
  // Evidence of the counted events, each sorted and unique and capped by the engine.
  std::vector<IpAddress> hosts;       // src_ip and dest_ip of the events, and an incident record's hosts
  std::vector<uint16_t> dest_ports;
  std::vector<std::string> domains;   // DNS query names, HTTP host names, TLS SNI
  std::vector<uint32_t> signature_ids;
  std::vector<std::string> signatures;  // same order as signature_ids
  std::vector<uint64_t> flow_ids;
  std::vector<uint64_t> alert_ids;  // Alert::id() of the counted alerts
  std::vector<std::string> sensors;  // the `host` of events read back from sensors' EVE
};

class CorrelationMatchSink {
 public:
  virtual ~CorrelationMatchSink() = default;
  virtual void onMatch(const CorrelationMatch& match) = 0;
};

}  // namespace mamori
