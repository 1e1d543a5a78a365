#pragma once
// Groups alerts into incidents, one per attacking host and burst of activity, so that an
// analyst sees one growing story instead of an alert flood.
//
// Consumes: Alerts in packet-time order (approximately: a slightly late alert joins its
// incident normally). Produces: Incident snapshots to an IncidentSink, each a complete
// picture of its incident at that moment:
//   Open     when a host's first alert arrives (or its first after a quiet `window`);
//   Updated  on new evidence, at most once per `update_interval` of packet time, but at
//            once when the severity rises; held-back evidence is sent when its interval
//            ends (on advance) or before the incident closes;
//   Closed   when `window` passes without alerts from the host, when the incident is
//            evicted to bound memory, and for every incident at flush().
//
// The host is the alert's src_ip, the source of the packet that matched, as in EVE.
// For a rule matching a server's reply (to_client) that is the server: a malicious
// download groups under the server that sent it, which is the side to block. The
// grouping lives in one place (groupKey) for correlation rules to replace.
//
// Incident ids hash (host, time of the incident's first alert), so the same capture
// gives the same ids whatever the number of workers, provided alerts reach the
// correlator merged in packet-time order. Not thread-safe: one correlator per pipeline.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "capture/ip_address.h"
#include "capture/packet.h"
#include "correlate/incident.h"
#include "detect/alert.h"

namespace mamori {

struct CorrelatorConfig {
  TimeUs window = 15 * 60 * TimeUs{1'000'000};
  TimeUs update_interval = 60 * TimeUs{1'000'000};
  size_t max_open_incidents = 10'000;  // beyond it the least recently active is closed
  size_t max_evidence = 1'000;         // entries kept per evidence list of an incident
};

struct CorrelatorCounters {
  uint64_t alerts = 0;
  uint64_t incidents_opened = 0;
  uint64_t updates_emitted = 0;
  uint64_t incidents_closed = 0;   // including evicted ones
  uint64_t incidents_evicted = 0;
};

class IncidentCorrelator : public AlertSink {
 public:
  explicit IncidentCorrelator(IncidentSink& sink, CorrelatorConfig config = {});

  // Advances packet time to the alert's first, so a host's alert after a quiet window
  // closes its old incident and opens a new one even without a call to advance().
  void onAlert(const Alert& alert) override;
  // Packet time has reached `now`: sends held-back updates that are due and closes
  // incidents quiet for longer than the window.
  void advance(TimeUs now);
  // End of input: sends pending evidence and closes every open incident.
  void flush();

  size_t openIncidents() const { return open_.size(); }
  const CorrelatorCounters& counters() const { return counters_; }

 private:
  struct OpenIncident {
    Incident incident;
    TimeUs last_emit = 0;
    bool dirty = false;  // evidence not yet sent
    bool update_pending = false;  // in pending_updates_ at update_due
    TimeUs update_due = 0;
    int top_severity = 0;
    std::string top_signature;  // the first alert of the highest severity
  };
  using TimedKey = std::pair<TimeUs, IpAddress>;
  struct IpAddressHash {
    size_t operator()(const IpAddress& a) const;
  };

  static IpAddress groupKey(const Alert& alert) { return alert.src_ip; }
  static uint64_t incidentId(const IpAddress& host, TimeUs first_alert);

  void open(const IpAddress& key, const Alert& alert);
  void addEvidence(OpenIncident& entry, const Alert& alert);
  void emit(OpenIncident& entry, IncidentState state, TimeUs now);
  void close(IpAddress key);  // by value: callers pass keys held by the sets it erases from

  IncidentSink& sink_;
  CorrelatorConfig config_;
  std::unordered_map<IpAddress, OpenIncident, IpAddressHash> open_;
  std::set<TimedKey> by_last_seen_;     // expiry and eviction order
  std::set<TimedKey> pending_updates_;  // when each held-back Updated is due
  CorrelatorCounters counters_;
};

}  // namespace mamori
