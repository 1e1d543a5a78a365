#include "correlate/correlation_event.h"

#include "capture/ip_proto_name.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <rapidjson/document.h>

#include "correlate/eve_time.h"
#include "correlate/incident_manager.h"
#include "rules/public_suffix_list.h"

namespace mamori {

namespace {

constexpr std::string_view kMetadataPrefix = "alert.metadata.";
constexpr std::string_view kIncidentPrefix = "incident.";

// Fields every event answers from its members, and the record-specific ones it may carry.
constexpr auto kFields = std::to_array<std::string_view>({
    "event_type",        "src_ip",           "dest_ip",           "src_port",
    "dest_port",         "proto",            "app_proto",         "flow_id",
    "alert.signature_id", "alert.signature", "alert.category",    "alert.severity",
    "dns.type",          "dns.rrname",       "dns.rrtype",        "dns.rrname.length",
    "dns.rrname.entropy", "dns.rrname.domain", "http.hostname",   "http.url",
    "http.status",       "tls.sni",          "flow.state",        "flow.pkts_toserver",
    "flow.pkts_toclient", "flow.bytes_toserver", "flow.bytes_toclient", "correlation.rule",
    "http.method",       "http.http_user_agent", "dns.rcode",     "tls.version",
    "tls.ja3.hash",      "tls.ja3s.hash"});

// What else events read back from EVE carry: the other values of the records EveFormatter
// writes for the event types fromEve accepts, by their EVE names.
constexpr auto kEveFields = std::to_array<std::string_view>({
    "host",              "vlan",             "direction",         "tx_id",
    "icmp_type",         "icmp_code",        "alert.action",      "alert.gid",
    "alert.rev",         "alert.id",         "flow.start",        "flow.end",
    "flow.age",          "flow.reason",      "flow.alerted",      "tcp.tcp_flags",
    "tcp.tcp_flags_ts",  "tcp.tcp_flags_tc", "tcp.syn",           "tcp.fin",
    "tcp.rst",           "tcp.psh",          "tcp.ack",           "tcp.urg",
    "tcp.ecn",           "tcp.cwr",          "tcp.state",         "ndpi.protocol",
    "ndpi.category",     "ndpi.confidence",  "ndpi.risks",        "http.http_content_type",
    "http.http_refer",   "http.protocol",    "http.redirect",     "http.length",
    "dns.id",            "dns.answers.rrname", "dns.answers.rrtype", "dns.answers.ttl",
    "dns.answers.rdata", "tls.subject",      "tls.issuerdn",      "tls.serial",
    "tls.fingerprint",   "tls.notbefore",    "tls.notafter",      "tls.ja3.string",
    "tls.ja3s.string"});

// The record types a sensor correlates (alert, flow and the app records fromApp takes),
// and the incidents a central correlates across sensors.
constexpr auto kEveTypes = std::to_array<std::string_view>({"alert", "flow", "http", "dns", "tls", "incident"});

// Top-level EVE values the event holds as members, not as fields.
constexpr auto kEveMembers = std::to_array<std::string_view>(
    {"timestamp", "event_type", "flow_id", "src_ip", "dest_ip", "src_port", "dest_port", "proto", "app_proto"});

template <size_t N>
bool among(const std::array<std::string_view, N>& list, std::string_view name) {
  for (std::string_view item : list) {
    if (item == name) return true;
  }
  return false;
}

// The event's name for an EVE value, where the two differ.
std::string_view eventFieldName(std::string_view eve_name) {
  return eve_name == "http.http_method" ? std::string_view("http.method") : eve_name;
}

std::string scalarText(const rapidjson::Value& v) {
  char digits[32];
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsUint64()) return std::string(digits, std::to_chars(digits, digits + sizeof digits, v.GetUint64()).ptr);
  if (v.IsInt64()) return std::string(digits, std::to_chars(digits, digits + sizeof digits, v.GetInt64()).ptr);
  return std::string(digits, std::to_chars(digits, digits + sizeof digits, v.GetDouble()).ptr);
}

// Adds `v` under `name` (an object's members under name.member, an array's items under
// name), depth levels below the record, until the event holds kMaxEveFields fields. The
// recursion is bounded by kMaxEveDepth.
void flatten(CorrelationEvent& e, std::string& name, const rapidjson::Value& v, size_t depth) {
  if (e.fields.size() >= CorrelationEvent::kMaxEveFields) return;
  if (v.IsObject() || v.IsArray()) {
    if (depth >= CorrelationEvent::kMaxEveDepth) return;
    if (v.IsArray()) {
      for (const auto& item : v.GetArray()) flatten(e, name, item, depth + 1);
      return;
    }
    for (const auto& member : v.GetObject()) {
      const size_t length = name.size();
      name += '.';
      name.append(member.name.GetString(), member.name.GetStringLength());
      flatten(e, name, member.value, depth + 1);
      name.resize(length);
    }
    return;
  }
  if (v.IsNull()) return;
  e.fields.emplace_back(std::string(eventFieldName(name)), scalarText(v));
}

bool readAddress(const rapidjson::Value& v, IpAddress& out) {
  return v.IsString() && IpAddress::parse(std::string(v.GetString(), v.GetStringLength()), out);
}

bool readPort(const rapidjson::Value& v, uint16_t& out) {
  if (!v.IsUint() || v.GetUint() > 65535) return false;
  out = static_cast<uint16_t>(v.GetUint());
  return true;
}

CorrelationEvent endpoints(TimeUs ts, const char* type, uint64_t flow_id, const IpAddress& src,
                           const IpAddress& dest, uint16_t sport, uint16_t dport, uint8_t proto) {
  CorrelationEvent e;
  e.ts = ts;
  e.event_type = type;
  e.flow_id = flow_id;
  e.src_ip = src;
  e.dest_ip = dest;
  e.src_port = sport;
  e.dest_port = dport;
  e.proto = proto;
  return e;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

CorrelationEvent CorrelationEvent::fromAlert(const Alert& alert) {
  CorrelationEvent e = endpoints(alert.ts, "alert", alert.flow_id, alert.src_ip, alert.dest_ip, alert.src_port,
                                 alert.dest_port, alert.proto);
  e.app_proto = alert.app_proto;
  e.alert_id = alert.id();
  e.add("alert.signature_id", std::to_string(alert.sid));
  e.add("alert.signature", alert.signature);
  e.add("alert.category", alert.category);
  e.add("alert.severity", std::to_string(alert.severity));
  if (alert.metadata) {
    for (const auto& [key, value] : alert.metadata->pairs) e.add(std::string(kMetadataPrefix) + key, value);
  }
  return e;
}

CorrelationEvent CorrelationEvent::fromFlow(const FlowRecord& flow) {
  CorrelationEvent e = endpoints(flow.end, "flow", flow.flow_id, flow.src_ip, flow.dest_ip, flow.src_port,
                                 flow.dest_port, flow.proto);
  e.app_proto = flow.app.proto;
  e.add("flow.state", flow.state ? flow.state : "new");
  e.add("flow.pkts_toserver", std::to_string(flow.pkts_toserver));
  e.add("flow.pkts_toclient", std::to_string(flow.pkts_toclient));
  e.add("flow.bytes_toserver", std::to_string(flow.bytes_toserver));
  e.add("flow.bytes_toclient", std::to_string(flow.bytes_toclient));
  return e;
}

std::optional<CorrelationEvent> CorrelationEvent::fromApp(const AppRecord& r) {
  auto make = [&](const char* type) {
    return endpoints(r.ts, type, r.flow_id, r.src_ip, r.dest_ip, r.src_port, r.dest_port, r.proto);
  };
  // Values as EVE writes them (an empty text is left out there, so here), so that the
  // record read back from EVE is the same event.
  auto text = [](CorrelationEvent& e, const char* name, const std::string& value) {
    if (!value.empty()) e.add(name, value);
  };
  if (const auto* tx = std::get_if<HttpTransaction>(&r.body)) {
    if (r.event != AppEvent::HttpResponse) return std::nullopt;
    CorrelationEvent e = make("http");
    e.app_proto = "http";
    text(e, "http.hostname", tx->host);
    text(e, "http.url", tx->uri_raw);
    text(e, "http.http_user_agent", tx->user_agent);
    text(e, "http.method", tx->method);
    if (tx->status) e.add("http.status", std::to_string(tx->status));
    return e;
  }
  if (const auto* dns = std::get_if<DnsMessage>(&r.body)) {
    CorrelationEvent e = make("dns");
    e.app_proto = "dns";
    e.add("dns.type", dns->response ? "answer" : "query");
    if (dns->response) {
      const std::string_view rcode = dnsRcodeName(dns->rcode);
      e.add("dns.rcode", rcode.empty() ? std::to_string(dns->rcode) : std::string(rcode));
    }
    if (!dns->queries.empty()) {
      const DnsQuery& q = dns->queries.front();
      e.add("dns.rrname", q.rrname);
      const std::string_view type = dnsTypeName(q.rrtype);
      e.add("dns.rrtype", type.empty() ? std::to_string(q.rrtype) : std::string(type));
    }
    return e;
  }
  if (const auto* tls = std::get_if<TlsHandshake>(&r.body)) {
    if (r.event != AppEvent::TlsDone) return std::nullopt;
    CorrelationEvent e = make("tls");
    e.app_proto = "tls";
    text(e, "tls.sni", tls->sni);
    e.add("tls.version", std::string(tlsVersionName(tls->version ? tls->version : tls->client_version)));
    text(e, "tls.ja3.hash", tls->ja3_hash);
    text(e, "tls.ja3s.hash", tls->ja3s_hash);
    return e;
  }
  return std::nullopt;
}

CorrelationEvent CorrelationEvent::fromMatch(std::shared_ptr<const CorrelationMatch> match) {
  CorrelationEvent e;
  e.ts = match->last_seen;
  e.event_type = "correlation";
  e.add("correlation.rule", match->rule);
  for (const auto& [name, value] : match->group) e.add(name, value);
  e.match = std::move(match);
  return e;
}

std::optional<CorrelationEvent> CorrelationEvent::fromEve(std::string_view json) {
  rapidjson::Document doc;
  // Iterative: a peer's deeply nested text costs heap in proportion to its size, never stack.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError()) return std::nullopt;
  return fromEve(doc);
}

std::optional<CorrelationEvent> CorrelationEvent::fromEve(const rapidjson::Value& doc) {
  if (!doc.IsObject()) return std::nullopt;
  auto member = [&doc](const char* name) -> const rapidjson::Value* {
    auto it = doc.FindMember(name);
    return it == doc.MemberEnd() ? nullptr : &it->value;
  };

  CorrelationEvent e;
  const rapidjson::Value* type = member("event_type");
  if (!type || !type->IsString()) return std::nullopt;
  e.event_type.assign(type->GetString(), type->GetStringLength());
  if (!among(kEveTypes, e.event_type)) return std::nullopt;
  const rapidjson::Value* timestamp = member("timestamp");
  if (!timestamp || !timestamp->IsString()) return std::nullopt;
  const std::optional<TimeUs> ts = parseEveTime({timestamp->GetString(), timestamp->GetStringLength()});
  if (!ts) return std::nullopt;
  e.ts = *ts;
  if (const auto* v = member("flow_id")) {
    if (!v->IsUint64()) return std::nullopt;
    e.flow_id = v->GetUint64();
  }
  if (const auto* v = member("src_ip"); v && !readAddress(*v, e.src_ip)) return std::nullopt;
  if (const auto* v = member("dest_ip"); v && !readAddress(*v, e.dest_ip)) return std::nullopt;
  if (const auto* v = member("src_port"); v && !readPort(*v, e.src_port)) return std::nullopt;
  if (const auto* v = member("dest_port"); v && !readPort(*v, e.dest_port)) return std::nullopt;
  if (const auto* v = member("proto")) {
    const std::optional<uint8_t> proto =
        v->IsString() ? ipProtoNumber({v->GetString(), v->GetStringLength()}) : std::nullopt;
    if (!proto) return std::nullopt;
    e.proto = *proto;
  }
  if (const auto* v = member("app_proto")) {
    if (!v->IsString()) return std::nullopt;
    e.app_proto.assign(v->GetString(), v->GetStringLength());
  } else if (e.event_type == "http" || e.event_type == "dns" || e.event_type == "tls") {
    e.app_proto = e.event_type;  // as Suricata's, these records leave it out: their type is their protocol
  }
  const rapidjson::Value* alert = member("alert");
  if (e.event_type == "alert" && alert && alert->IsObject()) {
    auto id = alert->FindMember("id");
    if (id != alert->MemberEnd() && id->value.IsUint64()) e.alert_id = id->value.GetUint64();
  }

  std::string name;
  for (const auto& m : doc.GetObject()) {
    name.assign(m.name.GetString(), m.name.GetStringLength());
    if (!among(kEveMembers, name)) flatten(e, name, m.value, 1);
  }

  if (e.event_type == "incident") {
    const rapidjson::Value* incident = member("incident");
    if (!incident || !incident->IsObject()) return std::nullopt;
    // The host the incident is about takes the alert's place: rules group it by src_ip.
    auto source = incident->FindMember("source");
    if (source != incident->MemberEnd() && !readAddress(source->value, e.src_ip)) return std::nullopt;
    auto group = incident->FindMember("group_key");
    if (group != incident->MemberEnd() && group->value.IsString()) {
      for (auto& [field, value] :
           IncidentManager::parseGroupKey({group->value.GetString(), group->value.GetStringLength()})) {
        if (e.fields.size() >= kMaxEveFields) break;
        e.add(std::string(kIncidentPrefix) + "group." + field, std::move(value));
      }
    }
  }
  return e;
}

std::vector<std::string> CorrelationEvent::values(std::string_view name) const {
  FieldValues found;
  values(name, found);
  return {found.list.begin(), found.list.end()};
}

void CorrelationEvent::values(std::string_view name, FieldValues& out) const {
  out.list.clear();
  std::string& text = out.derived;
  auto number = [&](uint64_t n) {
    char digits[24];
    text.assign(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
    out.list.push_back(text);
  };
  auto ip = [&](const IpAddress& a) {
    text = a.toString();
    out.list.push_back(text);
  };
  if (name == "event_type") {
    out.list.push_back(event_type);
  } else if (name == "src_ip" && src_ip.family) {
    ip(src_ip);
  } else if (name == "dest_ip" && dest_ip.family) {
    ip(dest_ip);
  } else if (name == "src_port" && traffic()) {
    number(src_port);
  } else if (name == "dest_port" && traffic()) {
    number(dest_port);
  } else if (name == "proto" && traffic()) {
    text = ipProtoName(proto);
    out.list.push_back(text);
  } else if (name == "app_proto" && !app_proto.empty()) {
    out.list.push_back(app_proto);
  } else if (name == "flow_id" && flow_id) {
    number(flow_id);
  } else if (name.starts_with("dns.rrname.")) {
    const std::string* rrname = nullptr;
    for (const auto& [key, value] : fields) {
      if (key == "dns.rrname") {
        rrname = &value;
        break;
      }
    }
    if (!rrname || rrname->empty()) return;
    const std::string_view measure = name.substr(11);
    if (measure == "length") {
      number(rrname->size());
    } else if (measure == "entropy") {
      char digits[32];
      text.assign(digits, static_cast<size_t>(std::snprintf(digits, sizeof digits, "%.3f", labelEntropy(*rrname))));
      out.list.push_back(text);
    } else if (measure == "domain") {
      text = registrableDomain(*rrname);
      out.list.push_back(text);
    }
  } else {
    for (const auto& [key, value] : fields) {
      if (key == name) out.list.push_back(value);
    }
  }
}

std::optional<std::string> CorrelationEvent::field(std::string_view name) const {
  FieldValues found;
  const std::optional<std::string_view> value = field(name, found);
  if (!value) return std::nullopt;
  return std::string(*value);
}

std::optional<std::string_view> CorrelationEvent::field(std::string_view name, FieldValues& scratch) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  values(name, scratch);
  if (scratch.list.empty()) return std::nullopt;
  return scratch.list.front();
}

bool CorrelationEvent::knownField(std::string_view name) {
  for (std::string_view prefix : {kMetadataPrefix, kIncidentPrefix}) {
    if (name.starts_with(prefix) && name.size() > prefix.size()) return true;
  }
  return among(kFields, name) || among(kEveFields, name);
}

double CorrelationEvent::labelEntropy(std::string_view name) {
  const std::string_view label = name.substr(0, name.find('.'));
  if (label.empty()) return 0;
  std::array<uint32_t, 256> counts{};
  for (unsigned char c : label) {
    // Case carries no information in DNS: tunnels that mix it would look random for free.
    ++counts[c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c];
  }
  double bits = 0;
  for (uint32_t n : counts) {
    if (!n) continue;
    const double p = static_cast<double>(n) / static_cast<double>(label.size());
    bits -= p * std::log2(p);
  }
  return bits;
}

std::string CorrelationEvent::registrableDomain(std::string_view name) {
  std::string text = lower(name);
  while (!text.empty() && text.back() == '.') text.pop_back();
  if (const auto list = PublicSuffixList::system()) {
    if (auto domain = list->domain(text)) return std::string(*domain);
    return text;
  }
  const size_t last = text.rfind('.');
  if (last == std::string::npos || last == 0) return text;
  const size_t before = text.rfind('.', last - 1);
  return before == std::string::npos ? text : text.substr(before + 1);
}

}  // namespace mamori
