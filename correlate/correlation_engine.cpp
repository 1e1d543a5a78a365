#include "correlate/correlation_engine.h"

#include <array>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace mamori {

namespace {

// For memcap's estimate: what the allocator and a node's links add to each allocation.
constexpr size_t kNodeBytes = 32;

// Sorted, unique, at most `cap` entries: the first `cap` distinct ones seen.
template <typename T>
void capped(std::set<T>& set, const T& value, size_t cap) {
  if (set.size() < cap || set.count(value)) set.insert(value);
}

template <typename T>
std::vector<T> list(const std::set<T>& set) {
  return {set.begin(), set.end()};
}

}  // namespace

CorrelationEngine::CorrelationEngine(CorrelationRuleSet rules, CorrelationEngineConfig config,
                                     CorrelationMatchSink& sink)
    : rules_(std::move(rules)),
      config_(config),
      sink_(sink),
      state_(rules_.correlations.size()),
      readers_(rules_.correlations.size()),
      regex_data_(rules_.max_regex_captures) {
  for (size_t r = 0; r < rules_.correlations.size(); ++r) {
    counters_.push_back({rules_.correlations[r].name});
    for (const auto& input : rules_.correlations[r].inputs) {
      if (input.correlation) readers_[input.index].push_back(r);
    }
  }
}

size_t CorrelationEngine::groups() const {
  size_t n = 0;
  for (const RuleState& s : state_) n += s.groups.size();
  return n;
}

void CorrelationEngine::onEvent(const CorrelationEvent& event) {
  advance(event.ts);
  std::shared_ptr<const Evidence> evidence;  // taken when a group first holds the event
  // Each base rule is evaluated once per event, on the first correlation that asks.
  base_hits_.assign(rules_.base.size(), -1);
  for (size_t r = 0; r < rules_.correlations.size(); ++r) {
    const CorrelationRule& rule = rules_.correlations[r];
    uint32_t stages = 0;
    for (size_t i = 0; i < rule.inputs.size(); ++i) {
      const auto& input = rule.inputs[i];
      if (input.correlation) continue;
      int8_t& hit = base_hits_[input.index];
      if (hit < 0) hit = rules_.base[input.index].matches(event, regex_data_, found_) ? 1 : 0;
      if (hit) stages |= uint32_t{1} << i;
    }
    if (stages) process(r, stages, event, evidence);
  }
}

std::shared_ptr<const CorrelationEngine::Evidence> CorrelationEngine::evidenceOf(const CorrelationEvent& event) {
  auto evidence = std::make_shared<Evidence>();
  if (event.match) {
    evidence->match = event.match;
    return evidence;
  }
  evidence->src_ip = event.src_ip;
  evidence->dest_ip = event.dest_ip;
  evidence->dest_port = event.dest_port;
  evidence->port = event.dest_ip.family && (event.proto == 6 || event.proto == 17 || event.proto == 132);
  evidence->flow_id = event.flow_id;
  evidence->alert_id = event.alert_id;
  // An alert's signature: its first alert.signature_id and alert.signature. Other events
  // have none to take.
  const bool alert = event.event_type == "alert";
  bool sid = !alert, signature = !alert;  // taken already
  for (const auto& [name, value] : event.fields) {
    if (!sid && name == "alert.signature_id") {
      evidence->add(Evidence::Kind::SignatureId, value);
      sid = true;
    } else if (!signature && name == "alert.signature") {
      evidence->add(Evidence::Kind::Signature, value);
      signature = true;
    }
    if (value.empty()) continue;
    if (name == "dns.rrname" || name == "http.hostname" || name == "tls.sni") {
      evidence->add(Evidence::Kind::Domain, value);
    } else if (name == "alert.metadata.mitre_tactic_id") {
      evidence->add(Evidence::Kind::Tactic, value);
    } else if (name == "alert.metadata.mitre_technique_id") {
      evidence->add(Evidence::Kind::Technique, value);
    } else if (name == "incident.hosts") {
      evidence->add(Evidence::Kind::Host, value);
    } else if (name == "host") {
      evidence->add(Evidence::Kind::Sensor, value);
    }
  }
  return evidence;
}

void CorrelationEngine::Evidence::add(Kind kind, std::string_view text) {
  const auto length = static_cast<uint32_t>(text.size());
  texts += static_cast<char>(kind);
  texts.append(reinterpret_cast<const char*>(&length), sizeof length);
  texts += text;
}

void CorrelationEngine::process(size_t r, uint32_t stages, const CorrelationEvent& event,
                                std::shared_ptr<const Evidence>& evidence) {
  const CorrelationRule& rule = rules_.correlations[r];
  const size_t first_input = static_cast<size_t>(std::countr_zero(stages));
  // Group values and the counted value, through the aliases of the first input that
  // selected the event.
  key_.clear();
  key_ends_.clear();
  for (const std::string& name : rule.group_by) {
    const std::optional<std::string_view> value = event.field(rule.resolve(name, first_input), found_);
    if (!value) return;  // the event cannot be placed in a group
    key_ += *value;
    key_ends_.push_back(key_.size());
    key_ += '\x1f';
  }
  if (rule.type == CorrelationType::ValueCount) {
    const std::optional<std::string_view> value = event.field(rule.resolve(rule.field, first_input), found_);
    if (!value) return;
    value_.assign(*value);
  }

  RuleState& state = state_[r];
  auto it = state.groups.find(key_);
  const bool fresh = it == state.groups.end();
  const bool full = fresh && state.groups.size() >= config_.max_groups_per_rule && !state.lru.empty();
  Slot& slot = fresh ? create(r) : *it;
  Group& group = slot.second;
  prune(r, group, event.ts);
  Entry entry{event.ts, stages, 0, nullptr, nullptr};
  if (rule.type == CorrelationType::ValueCount) {
    auto counted = group.distinct.try_emplace(value_, 0).first;
    ++counted->second;
    entry.value = &*counted;
  }
  // The scratch above is spent: an evicted group's match feeds the rules reading it,
  // which reuse it.
  if (full) {
    evictOldest(r);
    ++counters_[r].evictions;
  }
  entry.bytes = sizeof(Entry);
  if (entry.value && entry.value->second == 1) entry.bytes += kNodeBytes + sizeof(*entry.value) + value_.capacity();
  if (!evidence) {
    evidence = evidenceOf(event);
    // Charged to its first holder: the other rules' groups share it.
    entry.bytes += kNodeBytes + sizeof(Evidence) + evidence->texts.capacity();
  }
  entry.evidence = evidence;
  charge(group, entry.bytes);
  // Packet-time order is expected; a slightly late event still goes to its place.
  const bool at_back = group.entries.empty() || group.entries.back().ts <= entry.ts;
  if (at_back) {
    group.entries.push_back(std::move(entry));
  } else {
    auto at = std::upper_bound(group.entries.begin(), group.entries.end(), entry.ts,
                               [](TimeUs ts, const Entry& e) { return ts < e.ts; });
    group.entries.insert(at, std::move(entry));
  }
  if (rule.type == CorrelationType::Temporal) {
    for (size_t i = 0; i < rule.inputs.size(); ++i) group.stage_entries[i] += (stages >> i) & 1;
  } else if (rule.type == CorrelationType::TemporalOrdered) {
    if (at_back) {
      group.chains.push(stages);
    } else {
      group.chains.clear();
      for (const Entry& e : group.entries) group.chains.push(e.stages);
    }
  }
  if (group.entries.size() > config_.max_events_per_group) {
    popFront(r, group);
    ++counters_[r].dropped_events;
  }
  ++counters_[r].events;
  ++group.joined;
  if (fresh) {
    group.lru = state.lru.insert(state.lru.end(), &slot);
  } else {
    state.lru.splice(state.lru.end(), state.lru, group.lru);
  }
  group.last_active = std::max(group.last_active, event.ts);
  if (held_ > config_.memcap) holdToMemcap(r, slot);
  evaluate(r, slot, event.ts);
}

CorrelationEngine::Slot& CorrelationEngine::create(size_t r) {
  const CorrelationRule& rule = rules_.correlations[r];
  Slot& slot = *state_[r].groups.try_emplace(key_).first;
  Group& created = slot.second;
  size_t begin = 0;
  for (size_t g = 0; g < rule.group_by.size(); ++g) {
    created.values.emplace_back(rule.group_by[g], key_.substr(begin, key_ends_[g] - begin));
    begin = key_ends_[g] + 1;
  }
  if (rule.type == CorrelationType::Temporal) created.stage_entries.assign(rule.inputs.size(), 0);
  if (rule.type == CorrelationType::TemporalOrdered) created.chains = OrderedChains(rule.inputs.size());
  // The slot and its hash and LRU nodes, the window's first block (libstdc++'s deque
  // allocates 512 bytes and its map on construction), the key and the values.
  size_t bytes = 3 * kNodeBytes + sizeof(Slot) + 512 + 64 + slot.first.capacity() +
                 created.stage_entries.capacity() * sizeof(uint32_t);
  for (const auto& [name, value] : created.values) bytes += sizeof(name) * 2 + value.capacity();
  charge(created, bytes);
  return slot;
}

void CorrelationEngine::charge(Group& group, size_t bytes) {
  group.bytes += bytes;
  held_ += bytes;
}

void CorrelationEngine::evictOldest(size_t r) {
  RuleState& state = state_[r];
  Slot& oldest = *state.lru.front();
  Group& victim = oldest.second;
  if (victim.pending) {
    due_.erase({victim.last_emit + hold(r), r, oldest.first});
    victim.pending = false;
    if (victim.holds) emit(r, victim, victim.last_active);
  }
  drop(r, oldest.first);
}

void CorrelationEngine::holdToMemcap(size_t r, Slot& joining) {
  RuleState& state = state_[r];
  Group& group = joining.second;
  while (held_ > config_.memcap) {
    if (state.lru.front() != &joining) {
      evictOldest(r);
      ++counters_[r].evictions;
    } else if (group.entries.size() > 1) {
      popFront(r, group);
      ++counters_[r].dropped_events;
    } else {
      return;  // the rest is other rules' (each holds to the cap when it next grows)
    }
    ++memcap_hits_;
  }
}

bool CorrelationEngine::resume(const std::string& name, const std::vector<std::pair<std::string, std::string>>& group,
                               TimeUs last_seen) {
  for (size_t r = 0; r < rules_.correlations.size(); ++r) {
    const CorrelationRule& rule = rules_.correlations[r];
    if (rule.name != name || rule.group_by.size() != group.size()) continue;
    key_.clear();
    key_ends_.clear();
    for (size_t g = 0; g < group.size(); ++g) {
      if (group[g].first != rule.group_by[g]) return false;
      key_ += group[g].second;
      key_ends_.push_back(key_.size());
      key_ += '\x1f';
    }
    RuleState& state = state_[r];
    if (state.groups.count(key_) != 0 || state.groups.size() >= config_.max_groups_per_rule) return false;
    Slot& slot = create(r);
    slot.second.resumed = true;
    slot.second.last_active = last_seen;
    slot.second.lru = state.lru.insert(state.lru.end(), &slot);
    return true;
  }
  return false;
}

TimeUs CorrelationEngine::hold(size_t r) const { return std::min(rules_.correlations[r].timespan, config_.max_hold); }

void CorrelationEngine::popFront(size_t r, Group& group) {
  const CorrelationRule& rule = rules_.correlations[r];
  const Entry& oldest = group.entries.front();
  if (rule.type == CorrelationType::ValueCount && --oldest.value->second == 0) {
    group.distinct.erase(group.distinct.find(oldest.value->first));
  } else if (rule.type == CorrelationType::Temporal) {
    for (size_t i = 0; i < rule.inputs.size(); ++i) group.stage_entries[i] -= (oldest.stages >> i) & 1;
  } else if (rule.type == CorrelationType::TemporalOrdered) {
    group.chains.pop();
  }
  group.bytes -= oldest.bytes;
  held_ -= oldest.bytes;
  group.entries.pop_front();
}

void CorrelationEngine::prune(size_t r, Group& group, TimeUs now) {
  const TimeUs timespan = rules_.correlations[r].timespan;
  while (!group.entries.empty() && now - group.entries.front().ts > timespan) popFront(r, group);
}

uint64_t CorrelationEngine::measure(const CorrelationRule& rule, const Group& group,
                                    std::vector<std::string>* stages) const {
  switch (rule.type) {
    case CorrelationType::EventCount: return group.entries.size();
    case CorrelationType::ValueCount: return group.distinct.size();
    case CorrelationType::Temporal: {
      if (!stages) {
        return static_cast<uint64_t>(
            std::count_if(group.stage_entries.begin(), group.stage_entries.end(), [](uint32_t n) { return n > 0; }));
      }
      uint32_t seen = 0;
      for (const Entry& e : group.entries) {
        const uint32_t fresh = e.stages & ~seen;
        seen |= e.stages;
        for (size_t i = 0; i < rule.inputs.size(); ++i) {
          if (fresh & (uint32_t{1} << i)) stages->push_back(rule.inputs[i].name);
        }
      }
      return static_cast<uint64_t>(std::popcount(seen));
    }
    case CorrelationType::TemporalOrdered: {
      if (!stages) return group.chains.longest();
      // The stages themselves, for a match: chain[i] is the longest in-order chain ending
      // with an event of input i, as input indices. An event selected by several inputs
      // extends only chains from before it.
      const size_t n = rule.inputs.size();
      std::vector<std::vector<uint8_t>> chain(n);
      for (const Entry& e : group.entries) {
        std::vector<std::vector<uint8_t>> next = chain;
        for (size_t i = 0; i < n; ++i) {
          if (!(e.stages & (uint32_t{1} << i))) continue;
          size_t best = n;
          for (size_t j = 0; j < i; ++j) {
            if (!chain[j].empty() && (best == n || chain[j].size() > chain[best].size())) best = j;
          }
          std::vector<uint8_t> extended = best == n ? std::vector<uint8_t>{} : chain[best];
          extended.push_back(static_cast<uint8_t>(i));
          if (extended.size() > next[i].size()) next[i] = std::move(extended);
        }
        chain = std::move(next);
      }
      const std::vector<uint8_t>* longest = &chain.front();
      for (const auto& c : chain) {
        if (c.size() > longest->size()) longest = &c;
      }
      for (uint8_t i : *longest) stages->push_back(rule.inputs[i].name);
      return longest->size();
    }
  }
  return 0;
}

bool CorrelationEngine::regular(const Group& group, double max_jitter) const {
  const size_t n = group.entries.size();
  if (n < 3) return false;
  double sum = 0;
  for (size_t i = 1; i < n; ++i) sum += static_cast<double>(group.entries[i].ts - group.entries[i - 1].ts);
  const double mean = sum / static_cast<double>(n - 1);
  if (mean <= 0) return false;  // a burst at one instant is not a beacon
  double squares = 0;
  for (size_t i = 1; i < n; ++i) {
    const double d = static_cast<double>(group.entries[i].ts - group.entries[i - 1].ts) - mean;
    squares += d * d;
  }
  return std::sqrt(squares / static_cast<double>(n - 1)) / mean <= max_jitter;
}

void CorrelationEngine::evaluate(size_t r, Slot& slot, TimeUs now) {
  const CorrelationRule& rule = rules_.correlations[r];
  const std::string& key = slot.first;
  Group& group = slot.second;
  group.holds = (group.resumed && !group.entries.empty()) ||
                (rule.condition.holds(measure(rule, group, nullptr)) &&
                 (!rule.condition.max_jitter || regular(group, *rule.condition.max_jitter)));
  if (!group.holds) return;
  if (!group.emitted || now - group.last_emit >= hold(r)) {
    if (group.pending) {
      due_.erase({group.last_emit + hold(r), r, key});
      group.pending = false;
    }
    emit(r, group, now);
  } else if (!group.pending) {
    group.pending = true;
    due_.insert({group.last_emit + hold(r), r, key});
  }
}

void CorrelationEngine::emit(size_t r, Group& group, TimeUs now) {
  group.emitted = true;
  group.last_emit = now;
  auto match = std::make_shared<CorrelationMatch>(build(r, group));
  match->new_events = group.joined - group.reported;
  group.reported = group.joined;
  ++counters_[r].matches;
  sink_.onMatch(*match);
  if (readers_[r].empty()) return;
  CorrelationEvent chained = CorrelationEvent::fromMatch(match);
  chained.ts = std::max(chained.ts, now);  // it happens when the match is known
  std::shared_ptr<const Evidence> evidence;
  for (size_t reader : readers_[r]) {
    const CorrelationRule& rule = rules_.correlations[reader];
    uint32_t stages = 0;
    for (size_t i = 0; i < rule.inputs.size(); ++i) {
      if (rule.inputs[i].correlation && rule.inputs[i].index == r) stages |= uint32_t{1} << i;
    }
    process(reader, stages, chained, evidence);
  }
}

CorrelationMatch CorrelationEngine::build(size_t r, const Group& group) const {
  const CorrelationRule& rule = rules_.correlations[r];
  CorrelationMatch m;
  m.rule = rule.name;
  m.title = rule.title;
  m.severity = rule.severity;
  m.group = group.values;
  m.events = measure(rule, group, nullptr);
  if (rule.type == CorrelationType::Temporal || rule.type == CorrelationType::TemporalOrdered) {
    measure(rule, group, &m.stages);
    m.events = group.entries.size();
  }
  if (!group.entries.empty()) {
    m.first_seen = group.entries.front().ts;
    m.last_seen = group.entries.back().ts;
  }
  const size_t cap = config_.max_evidence;
  std::set<std::string> tactics(rule.tactics.begin(), rule.tactics.end());
  std::set<std::string> techniques(rule.techniques.begin(), rule.techniques.end());
  std::set<IpAddress> hosts;
  std::set<uint16_t> ports;
  std::set<std::string> domains;
  std::set<std::pair<uint32_t, std::string>> signatures;
  std::set<uint64_t> flows, alerts;
  std::set<std::string> sensors;
  for (const Entry& entry : group.entries) {
    const Evidence& e = *entry.evidence;
    if (const CorrelationMatch* inner = e.match.get()) {
      for (const auto& t : inner->tactics) capped(tactics, t, cap);
      for (const auto& t : inner->techniques) capped(techniques, t, cap);
      for (const auto& h : inner->hosts) capped(hosts, h, cap);
      for (uint16_t p : inner->dest_ports) capped(ports, p, cap);
      for (const auto& d : inner->domains) capped(domains, d, cap);
      for (size_t i = 0; i < inner->signature_ids.size(); ++i) {
        capped(signatures, {inner->signature_ids[i], inner->signatures[i]}, cap);
      }
      for (uint64_t f : inner->flow_ids) capped(flows, f, cap);
      for (uint64_t a : inner->alert_ids) capped(alerts, a, cap);
      for (const auto& s : inner->sensors) capped(sensors, s, cap);
      continue;
    }
    if (e.src_ip.family) capped(hosts, e.src_ip, cap);
    if (e.dest_ip.family) capped(hosts, e.dest_ip, cap);
    if (e.port) capped(ports, e.dest_port, cap);
    if (e.flow_id) capped(flows, e.flow_id, cap);
    if (e.alert_id) capped(alerts, e.alert_id, cap);
    std::optional<std::string> sid;
    std::string_view signature;
    e.each([&](Evidence::Kind kind, std::string_view text) {
      switch (kind) {
        case Evidence::Kind::Domain: capped(domains, std::string(text), cap); break;
        case Evidence::Kind::Tactic: capped(tactics, std::string(text), cap); break;
        case Evidence::Kind::Technique: capped(techniques, std::string(text), cap); break;
        case Evidence::Kind::SignatureId: sid = std::string(text); break;
        case Evidence::Kind::Signature: signature = text; break;
        case Evidence::Kind::Host: {
          IpAddress host;
          if (IpAddress::parse(std::string(text), host)) capped(hosts, host, cap);
          break;
        }
        case Evidence::Kind::Sensor: capped(sensors, std::string(text), cap); break;
      }
    });
    if (sid) capped(signatures, {static_cast<uint32_t>(std::stoul(*sid)), std::string(signature)}, cap);
  }
  m.tactics = list(tactics);
  m.techniques = list(techniques);
  m.hosts = list(hosts);
  m.dest_ports = list(ports);
  m.domains = list(domains);
  m.flow_ids = list(flows);
  m.alert_ids = list(alerts);
  m.sensors = list(sensors);
  for (const auto& [sid, signature] : signatures) {
    m.signature_ids.push_back(sid);
    m.signatures.push_back(signature);
  }
  return m;
}

void CorrelationEngine::drop(size_t r, const std::string& key) {
  RuleState& state = state_[r];
  auto it = state.groups.find(key);
  if (it == state.groups.end()) return;
  if (it->second.pending) due_.erase({it->second.last_emit + hold(r), r, key});
  state.lru.erase(it->second.lru);
  held_ -= it->second.bytes;
  state.groups.erase(it);
}

void CorrelationEngine::advance(TimeUs now) {
  while (!due_.empty() && std::get<0>(*due_.begin()) <= now) {
    auto [when, r, key] = *due_.begin();
    due_.erase(due_.begin());
    auto it = state_[r].groups.find(key);
    if (it == state_[r].groups.end()) continue;
    Group& group = it->second;
    group.pending = false;
    if (group.holds) emit(r, group, when);
  }
  for (size_t r = 0; r < state_.size(); ++r) {
    RuleState& state = state_[r];
    const TimeUs timespan = rules_.correlations[r].timespan;
    while (!state.lru.empty()) {
      const Slot& oldest = *state.lru.front();
      if (now - oldest.second.last_active <= timespan) break;
      drop(r, oldest.first);
    }
  }
}

void CorrelationEngine::flush() {
  while (!due_.empty()) {
    auto [when, r, key] = *due_.begin();
    due_.erase(due_.begin());
    Group& group = state_[r].groups.at(key);
    group.pending = false;
    if (group.holds) emit(r, group, when);
  }
  for (RuleState& state : state_) {
    state.groups.clear();
    state.lru.clear();
  }
  held_ = 0;
}

}  // namespace mamori
