#include "correlate/incident_manager.h"

#include <algorithm>
#include <string_view>

#include "capture/ip_address.h"
#include "capture/stable_id.h"
#include "correlate/sorted_insert.h"

namespace mamori {
namespace {

// How a group's address reads in a title: a destination field is where traffic went, a
// source field where it came from; any other (an alias such as a victim) is the host the
// incident is about.
const char* addressPreposition(const std::string& field) {
  if (field.starts_with("dest") || field.starts_with("dst")) return " to ";
  if (field.starts_with("src") || field.starts_with("source")) return " from ";
  return " on ";
}

std::string titleFor(const CorrelationMatch& match) {
  std::string title = match.title.empty() ? match.rule : match.title;
  std::string others;
  for (const auto& [field, value] : match.group) {
    IpAddress address;
    if (IpAddress::parse(value, address)) {
      title += addressPreposition(field) + address.toString();
    } else {
      others += (others.empty() ? "" : ", ") + field + " " + value;
    }
  }
  if (!others.empty()) title += " (" + others + ")";
  return title;
}

// Stages keep the order they were first seen in: the story's order.
void appendStage(std::vector<std::string>& stages, const std::string& stage, size_t cap) {
  if (stages.size() < cap && std::find(stages.begin(), stages.end(), stage) == stages.end()) {
    stages.push_back(stage);
  }
}

template <typename T>
void insertAll(std::vector<T>& list, const std::vector<T>& values, size_t cap) {
  for (const T& value : values) insertSorted(list, value, cap);
}

}  // namespace

std::string IncidentManager::groupKey(const std::vector<std::pair<std::string, std::string>>& group) {
  // Escaped so that no two groups share a text, whatever their values hold.
  auto append = [](std::string& out, const std::string& text) {
    for (char c : text) {
      if (c == '\\' || c == ',' || c == '=') out += '\\';
      out += c;
    }
  };
  std::string key;
  for (const auto& [field, value] : group) {
    if (!key.empty()) key += ',';
    append(key, field);
    key += '=';
    append(key, value);
  }
  return key;
}

std::vector<std::pair<std::string, std::string>> IncidentManager::parseGroupKey(std::string_view key) {
  std::vector<std::pair<std::string, std::string>> group;
  if (key.empty()) return group;
  std::string field, value, *into = &field;
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '\\' && i + 1 < key.size()) {
      *into += key[++i];
    } else if (c == '=' && into == &field) {
      into = &value;
    } else if (c == ',') {
      group.emplace_back(std::move(field), std::move(value));
      field.clear();
      value.clear();
      into = &field;
    } else {
      *into += c;
    }
  }
  group.emplace_back(std::move(field), std::move(value));
  return group;
}

IncidentManager::IncidentManager(IncidentSink& sink, IncidentManagerConfig config)
    : sink_(sink), config_(config) {}

void IncidentManager::onMatch(const CorrelationMatch& match) {
  ++counters_.matches;
  advance(match.last_seen);
  GroupId group{match.rule, groupKey(match.group)};
  auto found = by_group_.find(group);
  if (found == by_group_.end()) {
    open(group, match);
    return;
  }
  uint64_t id = found->second;
  OpenIncident& entry = open_.at(id);
  TimeUs previous_last_seen = entry.incident.last_seen;
  bool urgent = addEvidence(entry, match);
  if (entry.incident.last_seen != previous_last_seen) {
    by_last_seen_.erase({previous_last_seen, id});
    by_last_seen_.insert({entry.incident.last_seen, id});
  }
  if (urgent || match.last_seen - entry.last_emit >= config_.update_interval) {
    emit(entry, IncidentState::Updated, match.last_seen);
  } else if (!entry.update_pending) {
    entry.update_pending = true;
    entry.update_due = entry.last_emit + config_.update_interval;
    pending_updates_.insert({entry.update_due, id});
  }
}

void IncidentManager::open(const GroupId& group, const CorrelationMatch& match) {
  OpenIncident entry;
  Incident& inc = entry.incident;
  inc.sensor = config_.sensor;
  inc.rule = group.first;
  inc.group_key = group.second;
  inc.title = titleFor(match);
  inc.first_seen = match.first_seen;
  inc.last_seen = match.last_seen;
  inc.severity = match.severity;
  bool have_source = false;
  for (const auto& [field, value] : match.group) {
    IpAddress address;
    if (!IpAddress::parse(value, address)) continue;
    if (have_source) {
      if (address != inc.source) insertSorted(inc.targets, address, config_.max_evidence);
    } else {
      inc.source = address;
      have_source = true;
    }
  }
  inc.id = StableId()
               .add(inc.rule)
               .add(std::string_view("\0", 1))
               .add(inc.group_key)
               .add(inc.first_seen)
               .add(inc.last_seen)
               .id();
  // A hash collision with an open incident must not merge two stories; the probe is
  // deterministic, so a replay still gives the same ids.
  while (open_.count(inc.id) != 0) inc.id = inc.id % StableId::kMaxId + 1;
  addEvidence(entry, match);
  OpenIncident& tracked = track(std::move(entry));
  ++counters_.incidents_opened;
  emit(tracked, IncidentState::Open, match.last_seen);
}

bool IncidentManager::addEvidence(OpenIncident& entry, const CorrelationMatch& match) {
  Incident& inc = entry.incident;
  const size_t cap = config_.max_evidence;
  int previous_severity = inc.severity;
  size_t previous_stages = inc.stages.size();

  inc.alert_count += match.new_events;
  if (entry.baseline_events == 0) entry.baseline_events = match.events;
  entry.peak_events = std::max(entry.peak_events, match.events);
  inc.first_seen = std::min(inc.first_seen, match.first_seen);
  inc.last_seen = std::max(inc.last_seen, match.last_seen);
  for (const IpAddress& host : match.hosts) {
    if (host != inc.source) insertSorted(inc.targets, host, cap);
  }
  insertAll(inc.dest_ports, match.dest_ports, cap);
  insertAll(inc.domains, match.domains, cap);
  insertAll(inc.flow_ids, match.flow_ids, cap);
  insertAll(inc.alert_ids, match.alert_ids, cap);
  insertAll(inc.tactics, match.tactics, cap);
  insertAll(inc.techniques, match.techniques, cap);
  insertAll(inc.sensors, match.sensors, cap);
  for (size_t i = 0; i < match.signature_ids.size(); ++i) {
    long at = insertSorted(inc.signature_ids, match.signature_ids[i], cap);
    if (at >= 0) {
      inc.signatures.insert(inc.signatures.begin() + at,
                            i < match.signatures.size() ? match.signatures[i] : std::string());
    }
  }
  for (const std::string& stage : match.stages) appendStage(inc.stages, stage, cap);

  entry.rule_severity = std::min(entry.rule_severity, match.severity);
  int steps = (inc.stages.size() >= kEscalationStages ? 1 : 0) +
              (entry.baseline_events > 0 && entry.peak_events >= kEscalationVolume * entry.baseline_events ? 1 : 0);
  inc.severity = std::min(inc.severity, std::max(1, entry.rule_severity - steps));
  entry.dirty = true;
  return inc.severity < previous_severity || inc.stages.size() > previous_stages;
}

IncidentManager::OpenIncident& IncidentManager::track(OpenIncident&& entry) {
  if (open_.size() >= config_.max_open_incidents && !by_last_seen_.empty()) {
    ++counters_.incidents_evicted;
    close(by_last_seen_.begin()->second);
  }
  uint64_t id = entry.incident.id;
  by_group_[{entry.incident.rule, entry.incident.group_key}] = id;
  by_last_seen_.insert({entry.incident.last_seen, id});
  return open_.emplace(id, std::move(entry)).first->second;
}

void IncidentManager::emit(OpenIncident& entry, IncidentState state, TimeUs now) {
  if (entry.update_pending) {
    pending_updates_.erase({entry.update_due, entry.incident.id});
    entry.update_pending = false;
  }
  if (state == IncidentState::Updated) ++counters_.updates_emitted;
  entry.incident.state = state;
  entry.last_emit = now;
  entry.dirty = false;
  sink_.onIncident(entry.incident);
}

void IncidentManager::close(uint64_t id) {
  auto it = open_.find(id);
  OpenIncident& entry = it->second;
  TimeUs now = entry.incident.last_seen;
  if (entry.dirty) emit(entry, IncidentState::Updated, now);
  emit(entry, IncidentState::Closed, now);
  by_last_seen_.erase({entry.incident.last_seen, id});
  by_group_.erase({entry.incident.rule, entry.incident.group_key});
  ++counters_.incidents_closed;
  open_.erase(it);
}

void IncidentManager::advance(TimeUs now) {
  while (!pending_updates_.empty() && pending_updates_.begin()->first <= now) {
    emit(open_.at(pending_updates_.begin()->second), IncidentState::Updated, now);
  }
  while (!by_last_seen_.empty() && now - by_last_seen_.begin()->first > config_.inactivity) {
    close(by_last_seen_.begin()->second);
  }
}

void IncidentManager::flush() {
  while (!by_last_seen_.empty()) close(by_last_seen_.begin()->second);
}

std::vector<const Incident*> IncidentManager::restore(const std::vector<Incident>& incidents) {
  std::vector<const Incident*> order;
  for (const Incident& inc : incidents) {
    if (inc.state != IncidentState::Closed && !inc.rule.empty()) order.push_back(&inc);
  }
  // Oldest first, so that when the store holds more than the cap the most recent survive.
  std::sort(order.begin(), order.end(), [](const Incident* a, const Incident* b) {
    return std::pair(a->last_seen, a->id) < std::pair(b->last_seen, b->id);
  });
  std::vector<const Incident*> restored;
  for (const Incident* inc : order) {
    if (by_group_.count({inc->rule, inc->group_key}) != 0 || open_.count(inc->id) != 0) continue;
    OpenIncident entry;
    entry.incident = *inc;
    entry.last_emit = inc->last_seen;
    track(std::move(entry));
    restored.push_back(inc);
  }
  counters_.incidents_restored += restored.size();
  std::erase_if(restored, [this](const Incident* inc) { return open_.count(inc->id) == 0; });  // evicted
  return restored;
}

std::vector<const Incident*> IncidentManager::open() const {
  std::vector<const Incident*> out;
  out.reserve(open_.size());
  for (const auto& [id, entry] : open_) out.push_back(&entry.incident);
  return out;
}

}  // namespace mamori
