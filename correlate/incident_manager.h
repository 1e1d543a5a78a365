#pragma once
// Turns the matches of correlation rules into incidents: one incident per (rule, group),
// which later matches of that group grow, so an analyst follows one story per attacker
// and behaviour instead of one line per firing.
//
// Consumes: CorrelationMatches in packet-time order (approximately: a slightly late match
// joins its incident normally). Produces: Incident snapshots to an IncidentSink, each a
// complete picture of its incident at that moment:
//   Open     on the first match of a (rule, group), or its first after a quiet `inactivity`;
//   Updated  on new evidence, at most once per `update_interval` of packet time, but at
//            once when the severity rises or a new stage appears; held-back evidence is
//            sent when its interval ends (on advance) or before the incident closes;
//   Closed   when `inactivity` passes without a match, when the incident is evicted to
//            bound memory, and for every incident at flush(). Several incidents closing
//            at once close in order of their last match, then id, so the output does not
//            depend on how often advance() is called.
//
// Group: the first group-by value that is an IP address is the incident's `source`; the
// other IP-valued group values and every host of the evidence are its `targets`. The
// title is the rule's title and its group: "Port scan from 203.0.113.66",
// "Brute force to 192.0.2.10 (dest_port 22)" (a field named dest* / dst* reads "to").
//
// Severity: the rule's, one step more severe (the number one lower, 1 at most) when the
// incident has seen kEscalationStages stages, and one more when its events reach
// kEscalationVolume times the events of the first match this manager saw for it (that
// match crossed the rule's threshold, so it stands for the threshold). Never lowered.
//
// Ids hash (rule, group key, first_seen and last_seen of the opening match), so the same
// capture gives the same ids whatever the number of workers, provided matches come from
// alerts merged in packet-time order. last_seen tells apart the incidents of one group:
// a group's next incident opens after the last closed, on a match whose window may
// still start at the same event. Not thread-safe: one manager per pipeline.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capture/packet.h"
#include "correlate/correlation_match.h"
#include "correlate/incident.h"

namespace mamori {

struct IncidentManagerConfig {
  std::string sensor;  // stamped on every incident it opens: the sensor's name, or the central's
  TimeUs inactivity = 15 * 60 * TimeUs{1'000'000};
  TimeUs update_interval = 60 * TimeUs{1'000'000};
  size_t max_open_incidents = 10'000;  // beyond it the least recently active is closed
  size_t max_evidence = 1'000;         // entries kept per evidence list of an incident
};

struct IncidentManagerCounters {
  uint64_t matches = 0;
  uint64_t incidents_opened = 0;
  uint64_t incidents_restored = 0;
  uint64_t updates_emitted = 0;
  uint64_t incidents_closed = 0;  // including evicted ones
  uint64_t incidents_evicted = 0;
};

class IncidentManager : public CorrelationMatchSink {
 public:
  static constexpr size_t kEscalationStages = 3;
  static constexpr uint64_t kEscalationVolume = 10;

  explicit IncidentManager(IncidentSink& sink, IncidentManagerConfig config = {});

  // Advances packet time to the match's last event first, so a group's match after a
  // quiet `inactivity` closes its old incident and opens a new one.
  void onMatch(const CorrelationMatch& match) override;
  // Packet time has reached `now`: sends held-back updates that are due and closes
  // incidents without a match for longer than `inactivity`.
  void advance(TimeUs now);
  // End of input: sends pending evidence and closes every open incident.
  void flush();
  // Takes back the open incidents a store kept across a restart, without emitting them:
  // a later match of the same (rule, group_key) continues the restored incident under
  // its id, and closes by inactivity like any other. Skips closed incidents, the per-host
  // grouping's (no rule) and repeats of an open group (incidents_restored counts those
  // taken back). Beyond max_open_incidents the least recently active are closed (emitted,
  // counted as evicted), so the store learns of it. The severity is kept; volume
  // escalation counts from the first match after the restart. Returns the incidents taken
  // back that are still open, oldest first: the groups the engine should resume.
  std::vector<const Incident*> restore(const std::vector<Incident>& incidents);

  // The canonical text of a group, as Incident::group_key holds it, and back.
  static std::string groupKey(const std::vector<std::pair<std::string, std::string>>& group);
  static std::vector<std::pair<std::string, std::string>> parseGroupKey(std::string_view key);

  size_t openIncidents() const { return open_.size(); }
  // The open incidents, by id: whose groups a new correlation engine resumes when the
  // rules are replaced while the pipeline runs.
  std::vector<const Incident*> open() const;
  const IncidentManagerCounters& counters() const { return counters_; }

 private:
  struct OpenIncident {
    Incident incident;
    int rule_severity = std::numeric_limits<int>::max();  // before escalation; unknown until a match
    uint64_t baseline_events = 0;   // events of the first match seen; 0 until then
    uint64_t peak_events = 0;       // the most events one match measured
    TimeUs last_emit = 0;
    bool dirty = false;             // evidence not yet sent
    bool update_pending = false;    // in pending_updates_ at update_due
    TimeUs update_due = 0;
  };
  using GroupId = std::pair<std::string, std::string>;  // rule, group key
  using TimedId = std::pair<TimeUs, uint64_t>;          // packet time, incident id

  void open(const GroupId& group, const CorrelationMatch& match);
  // Adds the match's evidence; returns true when the severity rose or a stage is new.
  bool addEvidence(OpenIncident& entry, const CorrelationMatch& match);
  OpenIncident& track(OpenIncident&& entry);  // enters an incident in the tables, evicting if full
  void emit(OpenIncident& entry, IncidentState state, TimeUs now);
  void close(uint64_t id);

  IncidentSink& sink_;
  IncidentManagerConfig config_;
  std::map<uint64_t, OpenIncident> open_;
  std::map<GroupId, uint64_t> by_group_;
  std::set<TimedId> by_last_seen_;     // expiry and eviction order
  std::set<TimedId> pending_updates_;  // when each held-back Updated is due
  IncidentManagerCounters counters_;
};

}  // namespace mamori
