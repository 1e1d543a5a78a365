#pragma once
// ConsoleState: what the console shows, held in memory and fed live. It is an EventOutput:
// the sensor's output thread, the central's committed batches, or `mamori ui` following an
// EVE file hand it every record as written, and it keeps
//   - every incident (loaded from the store at start, then each EVE incident snapshot), with
//     the analysts' triage beside it;
//   - the most recent alerts, and the records of recent flows (alerts, flows, app records)
//     for incident timelines and an alert's flow, both bounded (oldest dropped first);
//   - per sensor: its last two stats records (for rates) and when it was last heard;
//   - alert counts per signature (which rules are noisy);
// and tells open pages what changed through LiveEvents.
//
// Everything from records is untrusted: parsed iteratively with UTF-8 validated, kept and
// served as JSON strings only. Thread-safe: one mutex; publish() does the parsing outside
// it, so readers wait only for the index updates.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <rapidjson/document.h>

#include "alerting/event_output.h"
#include "console/incident_query.h"
#include "console/json_writer.h"
#include "console/flow_index.h"
#include "console/live_events.h"
#include "console/triage.h"
#include "correlate/correlation_rule.h"
#include "correlate/incident.h"

namespace mamori {

struct ConsoleLimits {
  size_t alerts = 10000;     // alerts kept for the alert view
  size_t records = 100000;   // flow, app and alert records kept for timelines and flows
  size_t events = 4096;      // live events a slow page may lag behind before it must resync
  size_t incidents = 200000; // incidents held; beyond it the oldest closed ones are dropped
  size_t sensors = 4096;     // hosts records may name; records naming one more are refused
  int64_t quiet_after_s = 90;  // a sensor heard from longer ago than this is quiet (stats come every 60 s)
};

// A correlation rule as the incident page explains it.
struct RuleInfo {
  std::string name, title, type, field, condition;
  std::vector<std::string> group_by;
  double timespan_s = 0;
};
std::map<std::string, RuleInfo> describeRules(const CorrelationRuleSet& rules);

// What a central knows of a sensor that its records do not say.
struct SensorLink {
  std::string name;
  bool connected = false;
  double lag_s = -1;
  int64_t last_heard_us = 0;
  std::string rules_version;
};

class ConsoleState final : public EventOutput {
 public:
  explicit ConsoleState(ConsoleLimits limits = {});

  // The store's incidents and triage at start-up (before any publish).
  void load(const std::vector<Incident>& incidents, const std::map<std::string, Triage>& triage);
  // Where a central's sensor links come from; unset on a single sensor.
  void setSensorLinks(std::function<std::vector<SensorLink>()> links) { links_ = std::move(links); }
  void setRules(std::map<std::string, RuleInfo> rules) { rules_ = std::move(rules); }

  // `json`: one EVE record, a JSON object. Alerts, stats and incidents are read whole;
  // flow and app records only as far as their head (eve_head.h), so they must be
  // well-formed as handed over: the central checked them, the sensor wrote them, and
  // EveFollower checks the lines of a file.
  void publish(EventKind kind, const std::string& json) override { take(kind, std::string(json)); }
  // publish(), keeping `json` as it is without a copy (what ConsoleFeed hands over).
  void take(EventKind kind, std::string json);

  LiveEvents& events() { return events_; }

  // The answers of the API (docs/console-api.md), as JSON text.
  std::string incidents(const IncidentQuery& query) const;
  // The incident's JSON, with `extra` written inside it (history, actions: the store's);
  // nullopt for an unknown key.
  std::optional<std::string> incident(const std::string& key,
                                      const std::function<void(JsonWriter&)>& extra) const;
  bool hasIncident(const std::string& key) const;
  Triage triage(const std::string& key) const;
  // After the store recorded an action: the triage every page sees, and an `action` event.
  void applyTriage(const std::string& key, const Triage& triage, const TriageAction& action);
  std::string alerts(const std::string& sensor, const std::string& host, uint32_t sid, const std::string& text,
                     size_t limit) const;
  std::string flow(const std::string& sensor, uint64_t flow_id) const;
  std::string sensors() const;
  // The rules view's per-sensor versions and signature counts; `pushes` writes the push
  // history and the current version (a central's; nothing on a single sensor).
  std::string rules(const std::function<void(JsonWriter&)>& pushes) const;

  // Pushes a `sensors` event (the server calls it every 2 s while pages are open).
  void tickSensors();

  struct Counters {
    uint64_t records = 0, refused = 0, incidents = 0, alerts_dropped = 0, records_dropped = 0;
  };
  Counters counters() const;

 private:
  struct HeldIncident {
    Incident inc;
    Triage triage;
  };
  struct FlowRefHash {
    size_t operator()(const FlowRef& f) const { return std::hash<uint64_t>()(f.id * 31 + f.host); }
  };
  struct HeldAlert {
    std::string json, host, src, dest, search;  // search: lower-cased signature, category, addresses
    uint32_t sid = 0;
    FlowRef flow;  // id 0: none
  };
  // The records held are chained per flow: `prev` is the seq of the flow's record before
  // this one (0: none), so a flow costs one index entry however many records it has.
  struct HeldRecord {
    uint64_t seq, prev;
    FlowRef flow;
    TimeUs ts;
    EventKind kind;
    std::string json;
  };
  struct SensorSample {
    TimeUs ts = 0;
    double packets = 0, drops = 0, flows = 0, alerts = 0;
  };
  struct SensorSeen {
    uint32_t id = 0;
    SensorSample last, before;
    int samples = 0;
    int64_t heard_us = 0;  // packet time of its newest record, at most the wall time
    double lag_s = -1;     // wall time minus packet time of that record
    std::string rules_version;
  };
  struct Signature {
    uint32_t gid = 1;
    std::string text;
    uint64_t alerts = 0;
    std::map<std::string, uint64_t> by_sensor;
  };

  void onIncident(Incident inc);
  // The host's entry, made for a host not seen before while there is room; nullptr when not.
  SensorSeen* seenOf(std::string_view host);
  std::optional<FlowRef> flowOf(std::string_view host, uint64_t flow_id) const;  // nullopt: host unknown
  void holdRecord(FlowRef flow, TimeUs ts, EventKind kind, std::string json);
  std::vector<const HeldRecord*> recordsOf(FlowRef flow) const;  // oldest first
  // The SUMMARY's fields, inside an object the caller opened.
  void writeSummary(JsonWriter& w, const HeldIncident& h) const;
  std::string summary(const HeldIncident& h) const;
  std::string sensorsLocked() const;
  // `record`: the alert's record, parsed (publish() has it already). Row: what a row of the
  // alert view needs (the live event); Whole: the record (the API's answer).
  enum class AlertFields { Row, Whole };
  void writeAlert(JsonWriter& w, const HeldAlert& a, const rapidjson::Value& record, AlertFields fields) const;
  std::string incidentOfFlow(FlowRef flow) const;
  // Files the incident's flows under it; unlinkFlows undoes it for an incident dropped.
  void linkFlows(const Incident& inc, const std::string& key);
  void unlinkFlows(const Incident& inc, const std::string& key);

  const ConsoleLimits limits_;
  LiveEvents events_;
  std::function<std::vector<SensorLink>()> links_;
  std::map<std::string, RuleInfo> rules_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, HeldIncident> incidents_;
  std::unordered_map<FlowRef, std::string, FlowRefHash> flow_incident_;  // -> incident key
  std::deque<HeldAlert> alerts_;
  std::deque<HeldRecord> records_;
  uint64_t record_seq_ = 0;
  FlowIndex by_flow_;  // the seq of the flow's newest record held
  std::map<std::string, SensorSeen, std::less<>> sensors_;
  std::map<uint32_t, Signature> signatures_;
  Counters counters_;
};

}  // namespace mamori
