#include "console/console_state.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <initializer_list>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "alerting/eve_formatter.h"
#include "alerting/eve_incident_reader.h"
#include "console/eve_head.h"
#include "console/triage_json.h"
#include "console/triage_store.h"
#include "correlate/eve_time.h"

namespace mamori {
namespace {

using Document = rapidjson::Document;
using Value = rapidjson::Value;

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

int64_t wallNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string stringOf(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                          : std::string();
}

uint64_t uintOf(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

// A number at a path of nested objects ("decoder", "pkts"); 0 when absent.
double numberAt(const Value& object, std::initializer_list<const char*> path) {
  const Value* v = &object;
  for (const char* name : path) {
    if (!v->IsObject()) return 0;
    auto it = v->FindMember(name);
    if (it == v->MemberEnd()) return 0;
    v = &it->value;
  }
  return v->IsNumber() ? v->GetDouble() : 0;
}

// What a row of the alert view shows, filters on and links to: the live `alert` event
// carries these only (half an ET alert's bytes is its rule's metadata, sent to every open
// page many times a second), GET /api/alerts the whole record.
bool isRowField(std::string_view name) {
  static constexpr std::string_view kRow[] = {"timestamp", "host",    "flow_id",  "event_type", "src_ip", "src_port",
                                              "dest_ip",   "dest_port", "proto", "app_proto",  "alert",  "http",
                                              "tls",       "dns",     "ssh"};
  return std::find(std::begin(kRow), std::end(kRow), name) != std::end(kRow);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string conditionText(const CountCondition& c) {
  std::string out;
  if (c.min == c.max) {
    out = "eq " + std::to_string(c.min);
  } else if (c.max == UINT64_MAX) {
    out = "gte " + std::to_string(c.min);
  } else if (c.min == 0) {
    out = "lte " + std::to_string(c.max);
  } else {
    out = "range " + std::to_string(c.min) + ".." + std::to_string(c.max);
  }
  if (c.max_jitter) out += fmt::format(", max-jitter {}", *c.max_jitter);
  return out;
}

}  // namespace

std::map<std::string, RuleInfo> describeRules(const CorrelationRuleSet& rules) {
  std::map<std::string, RuleInfo> out;
  for (const CorrelationRule& r : rules.correlations) {
    RuleInfo info;
    info.name = r.name;
    info.title = r.title;
    info.type = correlationTypeName(r.type);
    info.field = r.field;
    info.condition = conditionText(r.condition);
    info.group_by = r.group_by;
    info.timespan_s = static_cast<double>(r.timespan) / 1e6;
    out[r.name] = std::move(info);
  }
  return out;
}

ConsoleState::ConsoleState(ConsoleLimits limits) : limits_(limits), events_(limits.events) {}

void ConsoleState::load(const std::vector<Incident>& incidents, const std::map<std::string, Triage>& triage) {
  std::lock_guard lock(mutex_);
  for (const Incident& inc : incidents) {
    const std::string key = incidentKey(inc.sensor, inc.id);
    HeldIncident& h = incidents_[key];
    h.inc = inc;
    if (auto it = triage.find(key); it != triage.end()) h.triage = it->second;
    linkFlows(inc, key);
  }
}

void ConsoleState::take(EventKind kind, std::string json) {
  if (kind == EventKind::Incident) {
    auto inc = incidentFromEve(json);
    std::lock_guard lock(mutex_);
    ++counters_.records;
    if (!inc) {
      ++counters_.refused;
      return;
    }
    onIncident(std::move(*inc));
    return;
  }
  // Alerts and stats are shown field by field; the rest is held as written, by its head.
  const bool whole = kind == EventKind::Alert || kind == EventKind::Stats;
  Document d;
  std::optional<EveHead> head;
  if (whole) {
    d.Parse<kParseFlags>(json.data(), json.size());
    if (!d.HasParseError() && d.IsObject()) {
      head = EveHead{stringOf(d, "host"), parseEveTime(stringOf(d, "timestamp")).value_or(0), uintOf(d, "flow_id"),
                     kind};
    }
  } else {
    head = readEveHead(json, EveHeadRead::Head);
  }
  const int64_t now = wallNowUs();

  std::string alert_event;
  {
    std::lock_guard lock(mutex_);
    SensorSeen* seen = head ? seenOf(head->host) : nullptr;
    if (!seen) {
      ++counters_.refused;
      return;
    }
    ++counters_.records;
    const TimeUs ts = head->ts;
    // Heard from when its record says (packet time, the wall clock on a live tap): an EVE
    // file of last week's replay is not a sensor that spoke a second ago.
    seen->heard_us = ts ? std::min<int64_t>(ts, now) : now;
    if (ts) seen->lag_s = static_cast<double>(now - ts) / 1e6;
    if (kind == EventKind::Stats) {
      const auto it = d.FindMember("stats");
      if (it == d.MemberEnd() || !it->value.IsObject()) return;
      const Value& stats = it->value;
      seen->before = seen->last;
      seen->last = SensorSample{ts, numberAt(stats, {"decoder", "pkts"}), numberAt(stats, {"capture", "kernel_drops"}),
                                numberAt(stats, {"flow", "total"}), numberAt(stats, {"detect", "alert"})};
      ++seen->samples;
      seen->rules_version = fmt::format("local {}", numberAt(stats, {"detect", "rules_version"}));
      return;
    }
    const FlowRef flow{seen->id, head->flow_id};
    if (kind != EventKind::Alert) {
      if (flow.id) holdRecord(flow, ts, kind, std::move(json));
      return;
    }
    if (flow.id) holdRecord(flow, ts, kind, json);

    const auto alert = d.FindMember("alert");
    if (alert == d.MemberEnd() || !alert->value.IsObject()) return;
    HeldAlert a;
    a.json = std::move(json);
    a.host = head->host;
    a.src = stringOf(d, "src_ip");
    a.dest = stringOf(d, "dest_ip");
    a.sid = static_cast<uint32_t>(uintOf(alert->value, "signature_id"));
    a.flow = flow;
    const std::string signature = stringOf(alert->value, "signature");
    a.search = lower(signature + "\n" + stringOf(alert->value, "category") + "\n" + a.src + "\n" + a.dest);
    Signature& sig = signatures_[a.sid];
    sig.gid = static_cast<uint32_t>(std::max<uint64_t>(1, uintOf(alert->value, "gid")));
    sig.text = signature;
    ++sig.alerts;
    ++sig.by_sensor[a.host];
    JsonWriter w;
    writeAlert(w, a, d, AlertFields::Row);
    alert_event = w.text();
    alerts_.push_back(std::move(a));
    if (alerts_.size() > limits_.alerts) {
      alerts_.pop_front();
      ++counters_.alerts_dropped;
    }
  }
  events_.push("alert", alert_event);
}

ConsoleState::SensorSeen* ConsoleState::seenOf(std::string_view host) {
  auto it = sensors_.find(host);
  if (it != sensors_.end()) return &it->second;
  if (sensors_.size() >= limits_.sensors) return nullptr;
  SensorSeen& seen = sensors_.emplace(std::string(host), SensorSeen{}).first->second;
  seen.id = static_cast<uint32_t>(sensors_.size());
  return &seen;
}

std::optional<FlowRef> ConsoleState::flowOf(std::string_view host, uint64_t flow_id) const {
  auto it = sensors_.find(host);
  if (it == sensors_.end()) return std::nullopt;
  return FlowRef{it->second.id, flow_id};
}

void ConsoleState::holdRecord(FlowRef flow, TimeUs ts, EventKind kind, std::string json) {
  const uint64_t seq = ++record_seq_;
  records_.push_back(HeldRecord{seq, by_flow_.put(flow, seq), flow, ts, kind, std::move(json)});
  while (records_.size() > limits_.records) {
    const HeldRecord& oldest = records_.front();
    // The oldest record held is its flow's last only when the flow has no newer one.
    by_flow_.eraseIf(oldest.flow, oldest.seq);
    records_.pop_front();
    ++counters_.records_dropped;
  }
}

std::vector<const ConsoleState::HeldRecord*> ConsoleState::recordsOf(FlowRef flow) const {
  std::vector<const HeldRecord*> out;
  const uint64_t* newest = by_flow_.find(flow);
  if (!newest || records_.empty()) return out;
  const uint64_t first = records_.front().seq;
  for (uint64_t seq = *newest; seq >= first && seq - first < records_.size();) {
    const HeldRecord& r = records_[seq - first];
    out.push_back(&r);
    seq = r.prev;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void ConsoleState::linkFlows(const Incident& inc, const std::string& key) {
  std::vector<uint32_t> hosts;
  if (SensorSeen* seen = seenOf(inc.sensor)) hosts.push_back(seen->id);
  for (const std::string& s : inc.sensors) {
    if (SensorSeen* seen = seenOf(s)) hosts.push_back(seen->id);
  }
  for (uint64_t f : inc.flow_ids) {
    for (uint32_t host : hosts) flow_incident_[FlowRef{host, f}] = key;
  }
}

void ConsoleState::unlinkFlows(const Incident& inc, const std::string& key) {
  std::vector<std::string_view> hosts{inc.sensor};
  hosts.insert(hosts.end(), inc.sensors.begin(), inc.sensors.end());
  for (uint64_t f : inc.flow_ids) {
    for (std::string_view host : hosts) {
      const auto flow = flowOf(host, f);
      if (!flow) continue;
      if (auto it = flow_incident_.find(*flow); it != flow_incident_.end() && it->second == key) flow_incident_.erase(it);
    }
  }
}

std::string ConsoleState::incidentOfFlow(FlowRef flow) const {
  auto it = flow_incident_.find(flow);
  return it == flow_incident_.end() ? std::string() : it->second;
}

void ConsoleState::onIncident(Incident inc) {
  const std::string key = incidentKey(inc.sensor, inc.id);
  auto it = incidents_.find(key);
  if (it != incidents_.end()) {
    const Incident& held = it->second.inc;
    // A snapshot older than the one held (the store's, read before the EVE file that led up
    // to it) changes nothing.
    if (inc.last_seen < held.last_seen || inc.alert_count < held.alert_count ||
        (held.state == IncidentState::Closed && inc.state != IncidentState::Closed &&
         inc.last_seen == held.last_seen && inc.alert_count == held.alert_count)) {
      return;
    }
    it->second.inc = std::move(inc);
  } else {
    if (incidents_.size() >= limits_.incidents) {
      auto oldest = incidents_.end();
      for (auto i = incidents_.begin(); i != incidents_.end(); ++i) {
        if (i->second.inc.state == IncidentState::Closed &&
            (oldest == incidents_.end() || i->second.inc.last_seen < oldest->second.inc.last_seen)) {
          oldest = i;
        }
      }
      if (oldest == incidents_.end()) {
        ++counters_.refused;  // every held incident is open: the newest waits for room
        return;
      }
      unlinkFlows(oldest->second.inc, oldest->first);
      incidents_.erase(oldest);
    }
    it = incidents_.emplace(key, HeldIncident{std::move(inc), Triage{}}).first;
    ++counters_.incidents;
  }
  linkFlows(it->second.inc, key);
  events_.push("incident", summary(it->second));
}

void ConsoleState::writeSummary(JsonWriter& w, const HeldIncident& h) const {
  const Incident& inc = h.inc;
  w.field("key", incidentKey(inc.sensor, inc.id));
  w.field("sensor", inc.sensor);
  w.field("id", std::to_string(inc.id));
  w.field("title", inc.title);
  w.key("severity");
  w.Int(inc.severity);
  w.field("state", incidentStateName(inc.state));
  w.field("rule", inc.rule);
  w.field("source", inc.source.family != 0 ? inc.source.toString() : "");
  w.key("hosts");
  w.StartArray();
  if (inc.source.family != 0) w.str(inc.source.toString());
  for (const IpAddress& t : inc.targets) w.str(t.toString());
  w.EndArray();
  w.strings("sensors", inc.sensors);
  w.strings("tactics", inc.tactics);
  w.strings("techniques", inc.techniques);
  w.key("events");
  w.Uint64(inc.alert_count);
  writeTime(w, "first_seen", inc.first_seen);
  writeTime(w, "last_seen", inc.last_seen);
  w.key("triage");
  writeTriage(w, h.triage);
}

std::string ConsoleState::summary(const HeldIncident& h) const {
  JsonWriter w;
  w.StartObject();
  writeSummary(w, h);
  w.EndObject();
  return w.text();
}

void ConsoleState::writeAlert(JsonWriter& w, const HeldAlert& a, const Value& record, AlertFields fields) const {
  w.StartObject();
  for (auto& m : record.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (fields == AlertFields::Row && !isRowField(name)) continue;
    w.key(name);
    if (fields == AlertFields::Row && name == "alert" && m.value.IsObject()) {
      w.StartObject();
      for (auto& f : m.value.GetObject()) {
        const std::string_view field(f.name.GetString(), f.name.GetStringLength());
        if (field == "metadata") continue;
        w.key(field);
        f.value.Accept(w);
      }
      w.EndObject();
    } else {
      m.value.Accept(w);
    }
  }
  // The flow's app records, as Suricata puts them in an alert on an app-layer flow: what
  // the alert was about (the host it asked for, the name it resolved, the server it named).
  // A long flow holds many records: they are looked up once for the four.
  if (a.flow.id) {
    const std::vector<const HeldRecord*> records = recordsOf(a.flow);
    for (EventKind app : {EventKind::Http, EventKind::Tls, EventKind::Dns, EventKind::Ssh}) {
      const char* name = eventKindName(app);
      if (record.HasMember(name)) continue;
      for (const HeldRecord* r : records) {
        if (r->kind != app) continue;
        Document rd;
        rd.Parse<kParseFlags>(r->json.data(), r->json.size());
        if (rd.HasParseError() || !rd.IsObject()) continue;
        auto it = rd.FindMember(name);
        if (it == rd.MemberEnd()) continue;
        w.key(name);
        it->value.Accept(w);
        break;
      }
    }
  }
  const std::string incident = a.flow.id ? incidentOfFlow(a.flow) : std::string();
  if (!incident.empty()) w.field("incident", incident);
  w.EndObject();
}

std::string ConsoleState::incidents(const IncidentQuery& query) const {
  std::lock_guard lock(mutex_);
  std::vector<const HeldIncident*> rows;
  uint64_t counts[5] = {0, 0, 0, 0, 0};
  for (const auto& [key, h] : incidents_) {
    if (!query.matches(h.inc, h.triage, true)) continue;
    if (h.inc.severity >= 1 && h.inc.severity <= 4) ++counts[h.inc.severity];
    if (query.severities.empty() || query.severities.count(h.inc.severity)) rows.push_back(&h);
  }
  const size_t end = std::min(rows.size(), query.offset + query.limit);
  if (query.offset < end) {
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(end), rows.end(),
                      [&](const HeldIncident* a, const HeldIncident* b) { return query.before(a->inc, b->inc); });
  }
  JsonWriter w;
  w.StartObject();
  w.key("total");
  w.Uint64(rows.size());
  w.key("counts");
  w.StartObject();
  for (int s = 1; s <= 4; ++s) {
    w.key(std::to_string(s));
    w.Uint64(counts[s]);
  }
  w.EndObject();
  w.key("incidents");
  w.StartArray();
  for (size_t i = query.offset; i < end; ++i) {
    w.StartObject();
    writeSummary(w, *rows[i]);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.text();
}

bool ConsoleState::hasIncident(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return incidents_.count(key) > 0;
}

Triage ConsoleState::triage(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = incidents_.find(key);
  return it == incidents_.end() ? Triage{} : it->second.triage;
}

std::optional<std::string> ConsoleState::incident(const std::string& key,
                                                  const std::function<void(JsonWriter&)>& extra) const {
  std::lock_guard lock(mutex_);
  auto it = incidents_.find(key);
  if (it == incidents_.end()) return std::nullopt;
  const HeldIncident& h = it->second;
  const Incident& inc = h.inc;
  JsonWriter w;
  w.StartObject();
  w.key("incident");
  w.StartObject();
  writeSummary(w, h);
  w.key("dest_ports");
  w.StartArray();
  for (uint16_t p : inc.dest_ports) w.Uint(p);
  w.EndArray();
  w.strings("signatures", inc.signatures);
  w.key("signature_ids");
  w.StartArray();
  for (uint32_t s : inc.signature_ids) w.Uint(s);
  w.EndArray();
  w.strings("domains", inc.domains);
  w.strings("stages", inc.stages);
  w.key("flow_ids");
  w.StartArray();
  for (uint64_t f : inc.flow_ids) w.Uint64(f);
  w.EndArray();
  w.key("alert_ids");
  w.StartArray();
  for (uint64_t a : inc.alert_ids) w.Uint64(a);
  w.EndArray();
  w.field("group_key", inc.group_key);

  // The evidence records still held, in packet time.
  constexpr size_t kMaxTimeline = 2000;
  std::vector<const HeldRecord*> timeline;
  bool complete = true;
  std::vector<std::string> hosts{inc.sensor};
  hosts.insert(hosts.end(), inc.sensors.begin(), inc.sensors.end());
  for (uint64_t f : inc.flow_ids) {
    bool found = false;
    for (const std::string& host : hosts) {
      const auto flow = flowOf(host, f);
      if (!flow) continue;
      for (const HeldRecord* r : recordsOf(*flow)) {
        timeline.push_back(r);
        found = true;
      }
    }
    complete = complete && found;
  }
  std::stable_sort(timeline.begin(), timeline.end(),
                   [](const HeldRecord* a, const HeldRecord* b) { return a->ts < b->ts; });
  if (timeline.size() > kMaxTimeline) {
    timeline.resize(kMaxTimeline);
    complete = false;
  }
  w.key("timeline");
  w.StartArray();
  for (const HeldRecord* r : timeline) {
    w.StartObject();
    writeTime(w, "ts", r->ts);
    w.field("event_type", eventKindName(r->kind));
    w.key("record");
    w.raw(r->json);
    w.EndObject();
  }
  w.EndArray();
  w.key("timeline_complete");
  w.Bool(complete);

  if (auto rule = rules_.find(inc.rule); rule != rules_.end()) {
    const RuleInfo& info = rule->second;
    w.key("rule");
    w.StartObject();
    w.field("name", info.name);
    w.field("title", info.title);
    w.field("type", info.type);
    w.strings("group_by", info.group_by);
    w.key("timespan_s");
    w.Double(info.timespan_s);
    w.field("condition", info.condition);
    w.field("field", info.field);
    w.EndObject();
  }

  std::vector<const HeldIncident*> related;
  auto names = [](const Incident& x, const IpAddress& a) {
    return (x.source.family != 0 && x.source == a) || std::find(x.targets.begin(), x.targets.end(), a) != x.targets.end();
  };
  for (const auto& [other_key, other] : incidents_) {
    if (other_key == key) continue;
    bool shares = inc.source.family != 0 && names(other.inc, inc.source);
    for (size_t i = 0; !shares && i < inc.targets.size(); ++i) shares = names(other.inc, inc.targets[i]);
    if (shares) related.push_back(&other);
  }
  const size_t shown = std::min<size_t>(related.size(), 20);
  std::partial_sort(related.begin(), related.begin() + static_cast<std::ptrdiff_t>(shown), related.end(),
                    [](const HeldIncident* a, const HeldIncident* b) { return a->inc.last_seen > b->inc.last_seen; });
  w.key("related");
  w.StartArray();
  for (size_t i = 0; i < shown; ++i) {
    w.StartObject();
    writeSummary(w, *related[i]);
    w.EndObject();
  }
  w.EndArray();
  extra(w);
  w.EndObject();
  w.EndObject();
  return w.text();
}

void ConsoleState::applyTriage(const std::string& key, const Triage& triage, const TriageAction& action) {
  std::string incident_event;
  {
    std::lock_guard lock(mutex_);
    auto it = incidents_.find(key);
    if (it == incidents_.end()) return;
    it->second.triage = triage;
    incident_event = summary(it->second);
  }
  JsonWriter e;
  e.StartObject();
  e.field("key", key);
  e.key("triage");
  writeTriage(e, triage);
  e.key("action");
  writeAction(e, action);
  e.EndObject();
  events_.push("action", e.text());
  events_.push("incident", incident_event);
}

std::string ConsoleState::alerts(const std::string& sensor, const std::string& host, uint32_t sid,
                                 const std::string& text, size_t limit) const {
  const std::string needle = lower(text);
  std::lock_guard lock(mutex_);
  JsonWriter w;
  w.StartObject();
  w.key("alerts");
  w.StartArray();
  size_t n = 0;
  for (auto it = alerts_.rbegin(); it != alerts_.rend() && n < limit; ++it) {
    const HeldAlert& a = *it;
    if (!sensor.empty() && a.host != sensor) continue;
    if (!host.empty() && a.src != host && a.dest != host) continue;
    if (sid && a.sid != sid) continue;
    if (!needle.empty() && a.search.find(needle) == std::string::npos) continue;
    Document d;
    d.Parse<kParseFlags>(a.json.data(), a.json.size());
    writeAlert(w, a, d, AlertFields::Whole);
    ++n;
  }
  w.EndArray();
  w.EndObject();
  return w.text();
}

std::string ConsoleState::flow(const std::string& sensor, uint64_t flow_id) const {
  std::lock_guard lock(mutex_);
  const auto held = flowOf(sensor, flow_id);
  std::vector<const HeldRecord*> records = held ? recordsOf(*held) : std::vector<const HeldRecord*>();
  std::stable_sort(records.begin(), records.end(),
                   [](const HeldRecord* a, const HeldRecord* b) { return a->ts < b->ts; });
  JsonWriter w;
  w.StartObject();
  w.key("records");
  w.StartArray();
  for (const HeldRecord* r : records) w.raw(r->json);
  w.EndArray();
  w.EndObject();
  return w.text();
}

std::string ConsoleState::sensorsLocked() const {
  const int64_t now = wallNowUs();
  std::map<std::string, SensorLink> links;
  if (links_) {
    for (SensorLink& l : links_()) links[l.name] = std::move(l);
  }
  std::vector<std::string> names;
  for (const auto& [name, seen] : sensors_) {
    if (seen.samples > 0 || links.count(name)) names.push_back(name);
  }
  for (const auto& [name, link] : links) {
    if (!sensors_.count(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  JsonWriter w;
  w.StartObject();
  w.key("sensors");
  w.StartArray();
  for (const std::string& name : names) {
    const auto seen_it = sensors_.find(name);
    const SensorSeen seen = seen_it == sensors_.end() ? SensorSeen{} : seen_it->second;
    const auto link_it = links.find(name);
    const SensorLink* link = link_it == links.end() ? nullptr : &link_it->second;
    const int64_t heard = std::max(seen.heard_us, link ? link->last_heard_us : 0);
    const double last_seen_s = heard ? static_cast<double>(now - heard) / 1e6 : -1;
    const double dt = seen.samples >= 2 && seen.last.ts > seen.before.ts
                          ? static_cast<double>(seen.last.ts - seen.before.ts) / 1e6
                          : 0;
    auto rate = [&](double SensorSample::*field) {
      return dt > 0 ? std::max(0.0, (seen.last.*field - seen.before.*field) / dt) : 0.0;
    };
    const bool quiet = heard == 0 || last_seen_s > static_cast<double>(limits_.quiet_after_s) ||
                       (link && !link->connected);
    w.StartObject();
    w.field("name", name);
    w.key("connected");
    w.Bool(link ? link->connected : !quiet);
    w.key("last_seen_s");
    w.Double(std::round(last_seen_s * 10) / 10);
    w.key("lag_s");
    w.Double(std::round((link && link->lag_s >= 0 ? link->lag_s : seen.lag_s) * 10) / 10);
    w.field("rules_version", link && !link->rules_version.empty() ? link->rules_version : seen.rules_version);
    w.key("packets_per_s");
    w.Double(std::round(rate(&SensorSample::packets)));
    w.key("drops");
    w.Uint64(static_cast<uint64_t>(seen.last.drops));
    w.key("drops_per_s");
    w.Double(std::round(rate(&SensorSample::drops)));
    w.key("flows_per_s");
    w.Double(std::round(rate(&SensorSample::flows)));
    w.key("alerts_per_s");
    w.Double(std::round(rate(&SensorSample::alerts) * 10) / 10);
    w.key("quiet");
    w.Bool(quiet);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.text();
}

std::string ConsoleState::sensors() const {
  std::lock_guard lock(mutex_);
  return sensorsLocked();
}

void ConsoleState::tickSensors() { events_.push("sensors", sensors()); }

std::string ConsoleState::rules(const std::function<void(JsonWriter&)>& pushes) const {
  std::lock_guard lock(mutex_);
  JsonWriter w;
  w.StartObject();
  pushes(w);
  std::map<std::string, std::string> versions;
  for (const auto& [name, seen] : sensors_) {
    if (seen.samples > 0) versions[name] = seen.rules_version;
  }
  if (links_) {
    for (const SensorLink& l : links_()) {
      if (!l.rules_version.empty() || !versions.count(l.name)) versions[l.name] = l.rules_version;
    }
  }
  w.key("sensors");
  w.StartArray();
  for (const auto& [name, version] : versions) {
    w.StartObject();
    w.field("name", name);
    w.field("rules_version", version);
    w.EndObject();
  }
  w.EndArray();
  std::vector<std::pair<uint32_t, const Signature*>> noisy;
  for (const auto& [sid, sig] : signatures_) noisy.emplace_back(sid, &sig);
  std::stable_sort(noisy.begin(), noisy.end(),
                   [](const auto& a, const auto& b) { return a.second->alerts > b.second->alerts; });
  if (noisy.size() > 500) noisy.resize(500);
  w.key("signatures");
  w.StartArray();
  for (const auto& [sid, sig] : noisy) {
    w.StartObject();
    w.key("gid");
    w.Uint(sig->gid);
    w.key("sid");
    w.Uint(sid);
    w.field("signature", sig->text);
    w.key("alerts");
    w.Uint64(sig->alerts);
    w.key("by_sensor");
    w.StartObject();
    for (const auto& [name, n] : sig->by_sensor) {
      w.key(name);
      w.Uint64(n);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.text();
}

ConsoleState::Counters ConsoleState::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace mamori
