#include "correlate/correlation_event.h"

#include "capture/ip_proto_name.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "rules/public_suffix_list.h"

namespace mamori {

namespace {

constexpr std::string_view kMetadataPrefix = "alert.metadata.";

// Fields every event answers from its members, and the record-specific ones it may carry.
constexpr std::array<std::string_view, 34> kFields = {
    "event_type",        "src_ip",           "dest_ip",           "src_port",
    "dest_port",         "proto",            "app_proto",         "flow_id",
    "alert.signature_id", "alert.signature", "alert.category",    "alert.severity",
    "dns.type",          "dns.rrname",       "dns.rrtype",        "dns.rrname.length",
    "dns.rrname.entropy", "dns.rrname.domain", "http.hostname",   "http.url",
    "http.status",       "tls.sni",          "flow.state",        "flow.pkts_toserver",
    "flow.pkts_toclient", "flow.bytes_toserver", "flow.bytes_toclient", "correlation.rule",
    "http.method",       "http.http_user_agent", "dns.rcode",     "tls.version",
    "tls.ja3.hash",      "tls.ja3s.hash"};

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
  e.add("flow.state", flow.state ? flow.state : "");
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
  if (const auto* tx = std::get_if<HttpTransaction>(&r.body)) {
    if (r.event != AppEvent::HttpResponse) return std::nullopt;
    CorrelationEvent e = make("http");
    e.app_proto = "http";
    e.add("http.hostname", tx->host);
    e.add("http.url", tx->uri_raw);
    e.add("http.method", tx->method);
    e.add("http.http_user_agent", tx->user_agent);
    if (tx->status) e.add("http.status", std::to_string(tx->status));
    return e;
  }
  if (const auto* dns = std::get_if<DnsMessage>(&r.body)) {
    CorrelationEvent e = make("dns");
    e.app_proto = "dns";
    e.add("dns.type", dns->response ? "answer" : "query");
    e.add("dns.rcode", std::string(dnsRcodeName(dns->rcode)));
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
    e.add("tls.sni", tls->sni);
    e.add("tls.version", std::string(tlsVersionName(tls->version)));
    e.add("tls.ja3.hash", tls->ja3_hash);
    e.add("tls.ja3s.hash", tls->ja3s_hash);
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
  } else if (name == "src_port" && src_ip.family) {
    number(src_port);
  } else if (name == "dest_port" && dest_ip.family) {
    number(dest_port);
  } else if (name == "proto" && src_ip.family) {
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
  if (name.starts_with(kMetadataPrefix) && name.size() > kMetadataPrefix.size()) return true;
  for (std::string_view f : kFields) {
    if (f == name) return true;
  }
  return false;
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
