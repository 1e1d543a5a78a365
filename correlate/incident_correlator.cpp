#include "correlate/incident_correlator.h"

#include <algorithm>
#include <vector>

#include "correlate/incident_id.h"
#include "correlate/sorted_insert.h"

namespace mamori {

size_t IncidentCorrelator::IpAddressHash::operator()(const IpAddress& a) const {
  return IncidentIdHash().add(a).value();
}

uint64_t IncidentCorrelator::incidentId(const IpAddress& host, TimeUs first_alert) {
  return IncidentIdHash().add(host).add(first_alert).id();
}

IncidentCorrelator::IncidentCorrelator(IncidentSink& sink, CorrelatorConfig config)
    : sink_(sink), config_(config) {}

void IncidentCorrelator::onAlert(const Alert& alert) {
  ++counters_.alerts;
  advance(alert.ts);
  IpAddress key = groupKey(alert);
  auto it = open_.find(key);
  if (it == open_.end()) {
    open(key, alert);
    return;
  }
  OpenIncident& entry = it->second;
  int previous_severity = entry.incident.severity;
  if (alert.ts > entry.incident.last_seen) {
    by_last_seen_.erase({entry.incident.last_seen, key});
    by_last_seen_.insert({alert.ts, key});
  }
  addEvidence(entry, alert);
  if (entry.incident.severity < previous_severity ||
      alert.ts - entry.last_emit >= config_.update_interval) {
    emit(entry, IncidentState::Updated, alert.ts);
  } else if (!entry.update_pending) {
    entry.update_pending = true;
    entry.update_due = entry.last_emit + config_.update_interval;
    pending_updates_.insert({entry.update_due, key});
  }
}

void IncidentCorrelator::open(const IpAddress& key, const Alert& alert) {
  if (open_.size() >= config_.max_open_incidents && !by_last_seen_.empty()) {
    ++counters_.incidents_evicted;
    close(by_last_seen_.begin()->second);
  }
  OpenIncident& entry = open_[key];
  entry.incident.id = incidentId(key, alert.ts);
  entry.incident.source = key;
  entry.incident.severity = alert.severity;
  entry.incident.first_seen = entry.incident.last_seen = alert.ts;
  entry.top_severity = alert.severity;
  entry.top_signature = alert.signature;
  by_last_seen_.insert({alert.ts, key});
  addEvidence(entry, alert);
  ++counters_.incidents_opened;
  emit(entry, IncidentState::Open, alert.ts);
}

void IncidentCorrelator::addEvidence(OpenIncident& entry, const Alert& alert) {
  Incident& inc = entry.incident;
  ++inc.alert_count;
  inc.first_seen = std::min(inc.first_seen, alert.ts);
  inc.last_seen = std::max(inc.last_seen, alert.ts);
  inc.severity = std::min(inc.severity, alert.severity);
  if (alert.severity < entry.top_severity) {
    entry.top_severity = alert.severity;
    entry.top_signature = alert.signature;
  }
  insertSorted(inc.targets, alert.dest_ip, config_.max_evidence);
  insertSorted(inc.dest_ports, alert.dest_port, config_.max_evidence);
  insertSorted(inc.flow_ids, alert.flow_id, config_.max_evidence);
  long at = insertSorted(inc.signature_ids, alert.sid, config_.max_evidence);
  if (at >= 0) inc.signatures.insert(inc.signatures.begin() + at, alert.signature);

  inc.title = std::to_string(inc.alert_count) + (inc.alert_count == 1 ? " alert from " : " alerts from ") +
              inc.source.toString() + ": " + entry.top_signature;
  entry.dirty = true;
}

void IncidentCorrelator::emit(OpenIncident& entry, IncidentState state, TimeUs now) {
  if (entry.update_pending) {
    pending_updates_.erase({entry.update_due, entry.incident.source});
    entry.update_pending = false;
  }
  if (state == IncidentState::Updated) ++counters_.updates_emitted;
  entry.incident.state = state;
  entry.last_emit = now;
  entry.dirty = false;
  sink_.onIncident(entry.incident);
}

void IncidentCorrelator::close(IpAddress key) {
  auto it = open_.find(key);
  OpenIncident& entry = it->second;
  TimeUs now = entry.incident.last_seen;
  if (entry.dirty) emit(entry, IncidentState::Updated, now);
  emit(entry, IncidentState::Closed, now);
  by_last_seen_.erase({entry.incident.last_seen, key});
  ++counters_.incidents_closed;
  open_.erase(it);
}

void IncidentCorrelator::advance(TimeUs now) {
  while (!pending_updates_.empty() && pending_updates_.begin()->first <= now) {
    IpAddress key = pending_updates_.begin()->second;
    emit(open_.find(key)->second, IncidentState::Updated, now);
  }
  while (!by_last_seen_.empty() && now - by_last_seen_.begin()->first > config_.window) {
    close(by_last_seen_.begin()->second);
  }
}

void IncidentCorrelator::flush() {
  while (!by_last_seen_.empty()) close(by_last_seen_.begin()->second);
}

}  // namespace mamori
