#include "apps/output_stage.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "capture/hash_mix.h"

namespace mamori {

namespace {

// Orders events that share `first` (their worker's packet time, or at the input's end
// their own time) the same way whatever worker made them, so a run gives the same output
// sequence with any number of workers. Events that tie are of one flow, so of one worker,
// and keep its order.
auto orderKey(TimeUs first, const PipelineEvent& e) {
  if (const auto* a = std::get_if<Alert>(&e.body)) return std::make_tuple(first, 0, a->flow_id, uint64_t(a->sid), a->ts);
  if (const auto* f = std::get_if<FlowRecord>(&e.body)) return std::make_tuple(first, 1, f->flow_id, uint64_t(0), f->end);
  const auto& r = *std::get<std::unique_ptr<AppRecord>>(e.body);
  return std::make_tuple(first, 2, r.flow_id, uint64_t(0), r.ts);
}

// An event's own packet time: the alert's packet, the flow's last packet, the record's.
TimeUs eventTime(const PipelineEvent& e) { return std::get<4>(orderKey(0, e)); }

}  // namespace

OutputStage::OutputStage(CaptureEngine& engine, std::vector<WorkerEventQueue*> queues, Correlation correlation,
                         std::vector<EventOutput*> outputs)
    : engine_(engine),
      queues_(std::move(queues)),
      pending_(queues_.size()),
      drained_(queues_.size()),
      written_(queues_.size()),
      handled_(queues_.size()),
      incident_manager_(*this, correlation.incidents),
      engine_config_(correlation.engine),
      correlation_(std::make_unique<CorrelationEngine>(std::move(correlation.rules), correlation.engine, incident_manager_)),
      store_(correlation.store),
      outputs_(std::move(outputs)),
      formatter_(correlation.incidents.sensor),
      rule_counters_(std::make_unique<RuleCounters[]>(correlation_->counters().size())),
      carried_(correlation_->counters().size()) {
  for (const CorrelationRuleCounters& c : correlation_->counters()) rule_names_.push_back(c.rule);
  // The engine's windows did not survive the restart: the restored incidents' groups are
  // armed instead, so what continues a story continues its incident.
  for (const Incident* inc : incident_manager_.restore(correlation.restored)) {
    correlation_->resume(inc->rule, IncidentManager::parseGroupKey(inc->group_key), inc->last_seen);
  }
  publishCounters();
}

void OutputStage::replaceCorrelation(CorrelationRuleSet rules) {
  std::lock_guard lock(replacement_mutex_);
  replacement_ = std::move(rules);
  replacement_ready_.store(true, std::memory_order_release);
}

void OutputStage::swapCorrelation() {
  std::optional<CorrelationRuleSet> rules;
  {
    std::lock_guard lock(replacement_mutex_);
    rules.swap(replacement_);
    replacement_ready_.store(false, std::memory_order_relaxed);
  }
  if (!rules) return;
  // Held-back evidence goes to its incidents now rather than being lost with the engine.
  correlation_->flush();
  carried_memcap_hits_ += correlation_->memcapHits();
  std::map<std::string, CorrelationRuleCounters> before;
  for (const CorrelationRuleCounters& c : correlationCounters()) before[c.rule] = c;
  correlation_ = std::make_unique<CorrelationEngine>(std::move(*rules), engine_config_, incident_manager_);
  for (const Incident* inc : incident_manager_.open()) {
    correlation_->resume(inc->rule, IncidentManager::parseGroupKey(inc->group_key), inc->last_seen);
  }
  const auto& now = correlation_->counters();
  {
    std::lock_guard lock(rule_counters_mutex_);
    rule_names_.clear();
    carried_.assign(now.size(), CorrelationRuleCounters{});
    for (size_t r = 0; r < now.size(); ++r) {
      rule_names_.push_back(now[r].rule);
      if (auto it = before.find(now[r].rule); it != before.end()) carried_[r] = it->second;
    }
    rule_counters_ = std::make_unique<RuleCounters[]>(now.size());
  }
  publishCounters();
}

void OutputStage::every(double interval_s, std::function<void()> fn) {
  if (interval_s > 0) periodic_.emplace_back(interval_s, std::move(fn));
}

void OutputStage::publish(EventKind kind, const std::string& json) {
  for (EventOutput* o : outputs_) o->publish(kind, json);
}

void OutputStage::publishCounters() {
  constexpr auto relaxed = std::memory_order_relaxed;
  const auto& rules = correlation_->counters();
  {
    std::lock_guard lock(rule_counters_mutex_);
    for (size_t r = 0; r < rules.size(); ++r) {
      rule_counters_[r].events.store(carried_[r].events + rules[r].events, relaxed);
      rule_counters_[r].matches.store(carried_[r].matches + rules[r].matches, relaxed);
      rule_counters_[r].evictions.store(carried_[r].evictions + rules[r].evictions, relaxed);
      rule_counters_[r].dropped_events.store(carried_[r].dropped_events + rules[r].dropped_events, relaxed);
    }
  }
  groups_.store(correlation_->groups(), relaxed);
  correlation_bytes_.store(correlation_->memoryBytes(), relaxed);
  correlation_memcap_hits_.store(carried_memcap_hits_ + correlation_->memcapHits(), relaxed);
  const IncidentManagerCounters& m = incident_manager_.counters();
  manager_counters_.matches.store(m.matches, relaxed);
  manager_counters_.opened.store(m.incidents_opened, relaxed);
  manager_counters_.restored.store(m.incidents_restored, relaxed);
  manager_counters_.updates.store(m.updates_emitted, relaxed);
  manager_counters_.closed.store(m.incidents_closed, relaxed);
  manager_counters_.evicted.store(m.incidents_evicted, relaxed);
  open_incidents_.store(incident_manager_.openIncidents(), relaxed);
}

std::vector<CorrelationRuleCounters> OutputStage::correlationCounters() const {
  constexpr auto relaxed = std::memory_order_relaxed;
  std::lock_guard lock(rule_counters_mutex_);
  std::vector<CorrelationRuleCounters> out;
  out.reserve(rule_names_.size());
  for (size_t r = 0; r < rule_names_.size(); ++r) {
    out.push_back({rule_names_[r], rule_counters_[r].events.load(relaxed), rule_counters_[r].matches.load(relaxed),
                   rule_counters_[r].evictions.load(relaxed), rule_counters_[r].dropped_events.load(relaxed)});
  }
  return out;
}

IncidentManagerCounters OutputStage::incidentCounters() const {
  constexpr auto relaxed = std::memory_order_relaxed;
  IncidentManagerCounters c;
  c.matches = manager_counters_.matches.load(relaxed);
  c.incidents_opened = manager_counters_.opened.load(relaxed);
  c.incidents_restored = manager_counters_.restored.load(relaxed);
  c.updates_emitted = manager_counters_.updates.load(relaxed);
  c.incidents_closed = manager_counters_.closed.load(relaxed);
  c.incidents_evicted = manager_counters_.evicted.load(relaxed);
  return c;
}

void OutputStage::onIncident(const Incident& incident) {
  // The summary's list stops growing at kListedIncidents: a sensor that runs for months
  // opens incidents without end. Those already listed keep being updated.
  if (auto it = incidents_.find(incident.id); it != incidents_.end()) {
    it->second = incident;
  } else if (incidents_.size() < kListedIncidents) {
    incidents_.emplace(incident.id, incident);
  } else if (incident.id > last_unlisted_) {
    last_unlisted_ = incident.id;
    ++unlisted_incidents_;
  }
  publish(EventKind::Incident, formatter_.formatIncident(incident));
  if (store_) store_->onIncident(incident);
}

bool OutputStage::decideThresholds(const Alert& a) {
  if (!a.undecided_thresholds) return true;
  if (!thresholds_) thresholds_.emplace(kThresholdEntries);
  if (!thresholds_->allow(*a.undecided_thresholds,
                          ThresholdSubject{a.src_ip, a.dest_ip, a.src_port, a.dest_port, a.ts, a.flow_id})) {
    alerts_suppressed_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  markAlerted(a.flow_id);
  return true;
}

void OutputStage::markAlerted(uint64_t flow_id) {
  if (alerted_marks_.empty()) alerted_marks_.resize(kAlertedMarks);
  AlertedMark& m = alerted_marks_[mix64(flow_id) % kAlertedMarks];
  if (m.used && m.flow_id != flow_id) alerted_marks_lost_.fetch_add(1, std::memory_order_relaxed);
  m = AlertedMark{flow_id, true};
}

void OutputStage::handle(PipelineEvent& e) {
  if (auto* a = std::get_if<Alert>(&e.body)) {
    if (!decideThresholds(*a)) return;
    alerts_.fetch_add(1, std::memory_order_relaxed);
    auto& t = by_signature_[{a->gid, a->sid}];
    t.msg = a->signature;
    t.severity = a->severity;
    ++t.count;
    publish(EventKind::Alert, formatter_.formatAlert(*a));
    correlation_->onEvent(CorrelationEvent::fromAlert(*a));
  } else if (auto* f = std::get_if<FlowRecord>(&e.body)) {
    flows_.fetch_add(1, std::memory_order_relaxed);
    if (!alerted_marks_.empty()) {
      AlertedMark& m = alerted_marks_[mix64(f->flow_id) % kAlertedMarks];
      if (m.used && m.flow_id == f->flow_id) {
        f->alerted = true;
        m.used = false;
      }
    }
    publish(EventKind::Flow, formatter_.formatFlow(*f));
    correlation_->onEvent(CorrelationEvent::fromFlow(*f));
  } else {
    const auto& r = *std::get<std::unique_ptr<AppRecord>>(e.body);
    if (const auto* tx = std::get_if<ProtocolTransaction>(&r.body)) {
      const std::string json = formatter_.formatApp(r);
      for (EventOutput* o : outputs_) o->publishApp(tx->eventType(), json);
    } else {
      publish(EveFormatter::appKind(r), formatter_.formatApp(r));
    }
    if (auto event = CorrelationEvent::fromApp(r)) correlation_->onEvent(*event);
  }
}

bool OutputStage::releaseUpTo(TimeUs low) {
  bool any = false;
  for (;;) {
    size_t best = pending_.size();
    for (size_t w = 0; w < pending_.size(); ++w) {
      if (pending_[w].empty() || pending_[w].front().key > low) continue;
      if (best == pending_.size() ||
          orderKey(pending_[w].front().key, pending_[w].front()) < orderKey(pending_[best].front().key, pending_[best].front())) {
        best = w;
      }
    }
    if (best == pending_.size()) return any;
    PipelineEvent& e = pending_[best].front();
    handle(e);
    if (auto* r = std::get_if<std::unique_ptr<AppRecord>>(&e.body)) written_[best].push_back(std::move(*r));
    pending_[best].popFront();
    ++handled_[best];
    any = true;
  }
}

void OutputStage::releaseEndOfInput() {
  std::vector<PipelineEvent> rest;
  for (size_t w = 0; w < pending_.size(); ++w) {
    handled_[w] += pending_[w].size();
    for (; !pending_[w].empty(); pending_[w].popFront()) rest.push_back(std::move(pending_[w].front()));
  }
  std::stable_sort(rest.begin(), rest.end(), [](const PipelineEvent& a, const PipelineEvent& b) {
    return orderKey(eventTime(a), a) < orderKey(eventTime(b), b);
  });
  for (PipelineEvent& e : rest) handle(e);
}

void OutputStage::run() {
  using Clock = std::chrono::steady_clock;
  std::vector<Clock::time_point> next_due(periodic_.size(), Clock::now());
  for (size_t i = 0; i < periodic_.size(); ++i) {
    next_due[i] += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(periodic_[i].first));
  }
  for (;;) {
    // Watermarks first, queues second: an event at or below a watermark read here was
    // queued before that watermark was published, so the drain below sees it.
    TimeUs low = CaptureEngine::kDone;
    for (size_t w = 0; w < queues_.size(); ++w) low = std::min(low, engine_.watermark(w));
    for (size_t w = 0; w < queues_.size(); ++w) {
      queues_[w]->drain(drained_[w]);
      pending_[w].append(drained_[w]);
    }
    bool any = releaseUpTo(std::min(low, PipelineEvent::kEndOfInput - 1));
    if (low == CaptureEngine::kDone) {
      releaseEndOfInput();
      giveBack();
      break;
    }
    giveBack();
    if (replacement_ready_.load(std::memory_order_acquire)) swapCorrelation();
    correlation_->advance(low);
    incident_manager_.advance(low);
    publishCounters();
    auto now = Clock::now();
    for (size_t i = 0; i < periodic_.size(); ++i) {
      if (now < next_due[i]) continue;
      periodic_[i].second();
      next_due[i] = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(periodic_[i].first));
    }
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  correlation_->flush();
  incident_manager_.flush();
  publishCounters();
  for (EventOutput* o : outputs_) o->flush();
}

void OutputStage::giveBack() {
  for (size_t w = 0; w < queues_.size(); ++w) {
    queues_[w]->taken(handled_[w], pending_[w].empty() ? 0 : pending_[w].front().key, written_[w]);
    handled_[w] = 0;
  }
}

void OutputStage::Pending::popFront() {
  if (++head == events.size()) {
    events.clear();
    head = 0;
  }
}

void OutputStage::Pending::append(std::vector<PipelineEvent>& drained) {
  // What the merge handled is dropped once it is half the vector, so it moves each event
  // a bounded number of times.
  if (head > 0 && head >= events.size() / 2) {
    events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(head));
    head = 0;
  }
  for (PipelineEvent& e : drained) events.push_back(std::move(e));
  drained.clear();
}

}  // namespace mamori
