#include "alerting/eve_formatter.h"

#include <nghttp2/nghttp2.h>

#include "capture/ip_proto_name.h"

#include "applayer/ndpi_risks.h"
#include "applayer/utf8_sequence.h"

#include <arpa/inet.h>

#include <cstdio>
#include <optional>
#include <tuple>
#include <stdexcept>

#include "correlate/eve_time.h"

namespace mamori {

namespace {

constexpr uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17, kProtoIcmpv6 = 58,
                  kProtoSctp = 132;

// Floor division, so that times before the epoch still split into a valid second and
// a microsecond part in [0, 1e6).
int64_t floorSeconds(TimeUs ts) {
  int64_t s = ts / 1000000;
  if (ts % 1000000 < 0) --s;
  return s;
}

// Suricata writes ports only for protocols that have them.
bool hasPorts(uint8_t proto) {
  return proto == kProtoTcp || proto == kProtoUdp || proto == kProtoSctp;
}

bool isIcmp(uint8_t proto) { return proto == kProtoIcmp || proto == kProtoIcmpv6; }

// Stats counters as a tree, so "decoder.pkts" and "decoder.bytes" share one object.
// Counters are few and formatted once an interval, so linear child lookup is enough.
struct StatsNode {
  std::string name;
  std::optional<uint64_t> value;
  std::vector<StatsNode> children;

  StatsNode* child(std::string_view part) {
    for (auto& c : children) {
      if (c.name == part) return &c;
    }
    children.push_back(StatsNode{std::string(part), std::nullopt, {}});
    return &children.back();
  }
};

void insertCounter(StatsNode& root, const std::string& name, uint64_t value) {
  auto bad = [&name](const char* why) {
    return std::invalid_argument("stats counter '" + name + "': " + why);
  };
  StatsNode* node = &root;
  size_t pos = 0;
  while (true) {
    size_t dot = name.find('.', pos);
    std::string_view part(name.data() + pos,
                          (dot == std::string::npos ? name.size() : dot) - pos);
    if (part.empty()) throw bad("empty name segment");
    if (node->value) throw bad("a prefix of it is itself a counter");
    node = node->child(part);
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  if (node->value) throw bad("given twice");
  if (!node->children.empty()) throw bad("it is also a prefix of another counter");
  node->value = value;
}

template <typename Writer>
void writeStatsChildren(Writer& w, const StatsNode& node) {
  for (const auto& c : node.children) {
    w.Key(c.name.data(), static_cast<rapidjson::SizeType>(c.name.size()));
    if (c.value) {
      w.Uint64(*c.value);
    } else {
      w.StartObject();
      writeStatsChildren(w, c);
      w.EndObject();
    }
  }
}

}  // namespace

EveFormatter::EveFormatter(std::string host) : host_(std::move(host)), writer_(buffer_) {}

std::string EveFormatter::timestamp(TimeUs ts) { return formatEveTime(ts); }

void EveFormatter::begin() {
  buffer_.Clear();
  writer_.Reset(buffer_);
  writer_.StartObject();
}

std::string EveFormatter::finish() {
  writer_.EndObject();
  return std::string(buffer_.GetString(), buffer_.GetSize());
}

void EveFormatter::key(const char* name) { writer_.Key(name); }

// RapidJSON escapes quotes, backslashes and control bytes but copies other bytes as they
// are, so a signature or title holding invalid UTF-8 would make the whole line invalid
// JSON. Each byte that is not part of a well-formed sequence becomes U+FFFD.
void EveFormatter::writeString(std::string_view text) {
  auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    size_t n = utf8SequenceLength(p + i, size - i);
    if (n == 0) break;
    i += n;
  }
  if (i == size) {
    writer_.String(text.data(), static_cast<rapidjson::SizeType>(size));
    return;
  }
  scratch_.assign(text.data(), i);
  appendValidUtf8(scratch_, text.substr(i));
  writer_.String(scratch_.data(), static_cast<rapidjson::SizeType>(scratch_.size()));
}

void EveFormatter::writeTime(TimeUs ts) {
  std::string text = timestamp(ts);
  writer_.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void EveFormatter::writeTimeAndHost(TimeUs ts) {
  key("timestamp");
  writeTime(ts);
  if (!host_.empty()) {
    key("host");
    writeString(host_);
  }
}

void EveFormatter::writeIp(const IpAddress& addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr.family == 4) {
    inet_ntop(AF_INET, addr.bytes.data(), buf, sizeof buf);
  } else if (addr.family == 6) {
    inet_ntop(AF_INET6, addr.bytes.data(), buf, sizeof buf);
  }
  writer_.String(buf);
}

void EveFormatter::header(TimeUs ts, uint64_t flow_id, const char* event_type,
                          const uint16_t* vlan, uint8_t vlan_count, const IpAddress& src,
                          uint16_t src_port, const IpAddress& dest, uint16_t dest_port,
                          uint8_t proto) {
  writeTimeAndHost(ts);
  key("flow_id");
  writer_.Uint64(flow_id);
  key("event_type");
  writer_.String(event_type);
  if (vlan_count > 0) {
    key("vlan");
    writer_.StartArray();
    for (uint8_t i = 0; i < vlan_count && i < 2; ++i) writer_.Uint(vlan[i]);
    writer_.EndArray();
  }
  key("src_ip");
  writeIp(src);
  if (hasPorts(proto)) {
    key("src_port");
    writer_.Uint(src_port);
  }
  key("dest_ip");
  writeIp(dest);
  if (hasPorts(proto)) {
    key("dest_port");
    writer_.Uint(dest_port);
  }
  key("proto");
  std::string name = ipProtoName(proto);
  writer_.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

std::string EveFormatter::formatAlert(const Alert& a) {
  begin();
  header(a.ts, a.flow_id, "alert", a.vlan, a.vlan_count, a.src_ip, a.src_port, a.dest_ip,
         a.dest_port, a.proto);
  key("direction");
  writer_.String(a.to_server ? "to_server" : "to_client");
  if (!a.app_proto.empty()) {
    key("app_proto");
    writeString(a.app_proto);
  }
  key("alert");
  writer_.StartObject();
  key("action");
  writeString(a.action);
  key("gid");
  writer_.Uint(a.gid);
  key("signature_id");
  writer_.Uint(a.sid);
  key("rev");
  writer_.Uint(a.rev);
  key("signature");
  writeString(a.signature);
  key("category");
  writeString(a.category);
  key("severity");
  writer_.Int(a.severity);
  if (a.metadata && !a.metadata->pairs.empty()) {
    // As Suricata writes it: each key once, in the order keys first appear, with all its
    // values in rule order.
    key("metadata");
    writer_.StartObject();
    const auto& pairs = a.metadata->pairs;
    for (size_t i = 0; i < pairs.size(); ++i) {
      const std::string& name = pairs[i].first;
      bool seen = false;
      for (size_t j = 0; j < i && !seen; ++j) seen = pairs[j].first == name;
      if (seen) continue;
      writeString(name);  // the key: a rule's text, invalid UTF-8 replaced as in values
      writer_.StartArray();
      for (size_t j = i; j < pairs.size(); ++j) {
        if (pairs[j].first == name) writeString(pairs[j].second);
      }
      writer_.EndArray();
    }
    writer_.EndObject();
  }
  key("id");  // not Suricata's: how incidents name their alerts
  writer_.Uint64(a.id());
  writer_.EndObject();
  return finish();
}

EventKind EveFormatter::appKind(const AppRecord& r) {
  if (std::holds_alternative<HttpTransaction>(r.body)) return EventKind::Http;
  if (std::holds_alternative<DnsMessage>(r.body)) return EventKind::Dns;
  if (std::holds_alternative<SshSession>(r.body)) return EventKind::Ssh;
  if (std::holds_alternative<ProtocolTransaction>(r.body)) return EventKind::App;
  if (std::holds_alternative<FileInfo>(r.body)) return EventKind::Fileinfo;
  return EventKind::Tls;
}

// Field names as Suricata's EVE writes them, so that SIEM dashboards built for it work.
std::string EveFormatter::formatApp(const AppRecord& r) {
  begin();
  const EventKind kind = appKind(r);
  const auto* plugin = std::get_if<ProtocolTransaction>(&r.body);
  const auto* file = std::get_if<FileInfo>(&r.body);
  const char* event_type = plugin ? plugin->eventType() : eventKindName(kind);
  // A file's record goes the way the file did, as Suricata writes it: a download's
  // source is the server.
  if (file && file->file.dir == Direction::ToClient) {
    header(r.ts, r.flow_id, event_type, r.vlan, r.vlan_count, r.dest_ip, r.dest_port, r.src_ip, r.src_port, r.proto);
  } else {
    header(r.ts, r.flow_id, event_type, r.vlan, r.vlan_count, r.src_ip, r.src_port, r.dest_ip, r.dest_port, r.proto);
  }
  if (plugin) {
    // The plug-in's object is JSON its EveObjectWriter made (escaped, valid UTF-8).
    key("tx_id");
    writer_.Uint64(plugin->tx_id);
    key(plugin->eventType());
    const std::string_view object = plugin->eve.empty() ? std::string_view("{}") : std::string_view(plugin->eve);
    writer_.RawValue(object.data(), object.size(), rapidjson::kObjectType);
    if (plugin->also_key && !plugin->also_eve.empty()) {
      key(plugin->also_key);
      writer_.RawValue(plugin->also_eve.data(), plugin->also_eve.size(), rapidjson::kObjectType);
    }
  } else if (file) {
    if (file->http) {
      key("app_proto");
      writer_.String(file->http->http2_stream ? "http2" : "http");
      writeHttp(*file->http);
    } else if (file->protocol) {
      key("app_proto");
      writer_.String(file->protocol);
    }
    writeFileinfo(file->file);
  } else if (const auto* tx = std::get_if<HttpTransaction>(&r.body)) {
    key("tx_id");
    writer_.Uint64(tx->id);
    writeHttp(*tx);
  } else if (const auto* dns = std::get_if<DnsMessage>(&r.body)) {
    key("dns");
    writer_.StartObject();
    key("type");
    writer_.String(dns->response ? "answer" : "query");
    key("id");
    writer_.Uint(dns->id);
    if (dns->response) {
      key("rcode");
      const std::string_view rcode = dnsRcodeName(dns->rcode);
      if (rcode.empty()) {
        writer_.Uint(dns->rcode);
      } else {
        writeString(rcode);
      }
    }
    if (!dns->queries.empty()) {
      key("rrname");
      writeString(dns->queries.front().rrname);
      key("rrtype");
      const std::string_view type = dnsTypeName(dns->queries.front().rrtype);
      if (type.empty()) {
        writer_.Uint(dns->queries.front().rrtype);
      } else {
        writeString(type);
      }
    }
    if (dns->response && !dns->answers.empty()) {
      key("answers");
      writer_.StartArray();
      for (const DnsRecord& a : dns->answers) {
        writer_.StartObject();
        key("rrname");
        writeString(a.rrname);
        key("rrtype");
        const std::string_view type = dnsTypeName(a.rrtype);
        if (type.empty()) {
          writer_.Uint(a.rrtype);
        } else {
          writeString(type);
        }
        key("ttl");
        writer_.Uint(a.ttl);
        writeText("rdata", a.rdata);
        writer_.EndObject();
      }
      writer_.EndArray();
    }
    writer_.EndObject();
  } else if (const auto* ssh = std::get_if<SshSession>(&r.body)) {
    key("ssh");
    writer_.StartObject();
    for (auto [side, banner] : {std::pair{"client", &ssh->client}, std::pair{"server", &ssh->server}}) {
      if (!banner->seen) continue;
      key(side);
      writer_.StartObject();
      key("proto_version");
      writeString(banner->proto);
      key("software_version");
      writeString(banner->software);
      writer_.EndObject();
    }
    writer_.EndObject();
  } else {
    const auto& tls = std::get<TlsHandshake>(r.body);
    key("tls");
    writer_.StartObject();
    if (!tls.certificates.empty()) {
      const TlsCertificate& leaf = tls.certificates.front();
      writeText("subject", leaf.subject);
      writeText("issuerdn", leaf.issuer);
      writeText("serial", leaf.serial);
      writeText("fingerprint", leaf.fingerprint);
      writeText("notbefore", leaf.not_before);
      writeText("notafter", leaf.not_after);
    }
    writeText("sni", tls.sni);
    key("version");
    writeString(tlsVersionName(tls.version ? tls.version : tls.client_version));
    for (auto [name, hash, string] : {std::tuple{"ja3", &tls.ja3_hash, &tls.ja3_string},
                                      std::tuple{"ja3s", &tls.ja3s_hash, &tls.ja3s_string}}) {
      if (hash->empty()) continue;
      key(name);
      writer_.StartObject();
      key("hash");
      writeString(*hash);
      key("string");
      writeString(*string);
      writer_.EndObject();
    }
    writeText("ja4", tls.ja4_hash);
    writer_.EndObject();
  }
  return finish();
}

void EveFormatter::writeText(const char* name, std::string_view value) {
  if (value.empty()) return;
  key(name);
  writeString(value);
}

// Suricata's EVE `http` object, of an http record and of a fileinfo record of a file
// HTTP carried.
void EveFormatter::writeHttp(const HttpTransaction& tx) {
  key("http");
  writer_.StartObject();
  writeText("hostname", tx.host);
  writeText("url", tx.uri_raw);
  writeText("http_user_agent", tx.user_agent);
  writeText("http_content_type", tx.response_content_type);
  writeText("http_refer", tx.referer);
  writeText("http_method", tx.method);
  writeText("protocol", tx.protocol);
  if (tx.status) {
    key("status");
    writer_.Int(tx.status);
  }
  writeText("redirect", tx.location);
  key("length");
  writer_.Uint64(tx.response_body_bytes);
  if (tx.http2_stream) {
    key("http2");
    writer_.StartObject();
    key("stream_id");
    writer_.Uint(tx.http2_stream);
    for (auto [side, code] : {std::pair{"request", tx.http2_request_error}, std::pair{"response", tx.http2_response_error}}) {
      if (code < 0) continue;
      key(side);
      writer_.StartObject();
      key("error_code");
      writer_.String(nghttp2_http2_strerror(static_cast<uint32_t>(code)));
      writer_.EndObject();
    }
    writer_.EndObject();
  }
  writer_.EndObject();
}

void EveFormatter::writeFileinfo(const TrackedFile& f) {
  key("fileinfo");
  writer_.StartObject();
  key("filename");
  writeString(f.name);
  key("gaps");
  writer_.Bool(f.gaps);
  key("state");
  writer_.String(fileStateName(f.state));
  for (auto [name, value] : {std::pair{"md5", &f.md5}, std::pair{"sha1", &f.sha1}, std::pair{"sha256", &f.sha256}}) {
    if (value->empty()) continue;
    key(name);
    writer_.String(value->c_str());
  }
  if (!f.magic.empty()) {
    key("magic");
    writeString(f.magic);
  }
  key("stored");
  writer_.Bool(f.stored);
  if (f.stored) {
    key("file_id");
    writer_.Uint(f.file_id);
  }
  key("size");
  writer_.Uint64(f.size);
  if (f.range_start) {
    key("start");
    writer_.Uint64(*f.range_start);
    key("end");
    writer_.Uint64(*f.range_end);
  }
  key("tx_id");
  writer_.Uint64(f.tx_id);
  writer_.EndObject();
}

std::string EveFormatter::formatFlow(const FlowRecord& f) {
  begin();
  header(f.end, f.flow_id, "flow", f.vlan, f.vlan_count, f.src_ip, f.src_port, f.dest_ip,
         f.dest_port, f.proto);
  if (isIcmp(f.proto)) {
    key("icmp_type");
    writer_.Uint(f.icmp_type);
    key("icmp_code");
    writer_.Uint(f.icmp_code);
  }
  if (f.app.proto[0]) {
    key("app_proto");
    writer_.String(f.app.proto);
  }
  key("flow");
  writer_.StartObject();
  key("pkts_toserver");
  writer_.Uint64(f.pkts_toserver);
  key("pkts_toclient");
  writer_.Uint64(f.pkts_toclient);
  key("bytes_toserver");
  writer_.Uint64(f.bytes_toserver);
  key("bytes_toclient");
  writer_.Uint64(f.bytes_toclient);
  key("start");
  writeTime(f.start);
  key("end");
  writeTime(f.end);
  // Suricata's age is the difference of the whole seconds of last and first packet.
  key("age");
  writer_.Int64(floorSeconds(f.end) - floorSeconds(f.start));
  key("state");
  writer_.String(f.state ? f.state : "new");
  key("reason");
  writer_.String(flowEndReasonName(f.reason));
  key("alerted");
  writer_.Bool(f.alerted);
  writer_.EndObject();

  if (f.app.detail[0]) {
    // nDPI's own view, written as ndpiReader writes it, guesses included.
    key("ndpi");
    writer_.StartObject();
    key("protocol");
    writer_.String(f.app.detail);
    key("category");
    writer_.String(f.app.category);
    key("confidence");
    writer_.String(f.app.confidence);
    key("risks");
    writer_.StartArray();
    forEachNdpiRisk(f.app.risks, [this](const char* name) { writer_.String(name); });
    writer_.EndArray();
    writer_.EndObject();
  }
  if (f.proto == kProtoTcp) {
    auto hex = [this](uint8_t flags) {
      char buf[3];
      std::snprintf(buf, sizeof buf, "%02x", flags);
      writer_.String(buf, 2);
    };
    uint8_t all = f.tcp_flags_ts | f.tcp_flags_tc;
    key("tcp");
    writer_.StartObject();
    key("tcp_flags");
    hex(all);
    key("tcp_flags_ts");
    hex(f.tcp_flags_ts);
    key("tcp_flags_tc");
    hex(f.tcp_flags_tc);
    static constexpr std::pair<uint8_t, const char*> kFlagNames[] = {
        {tcpflag::Syn, "syn"}, {tcpflag::Fin, "fin"}, {tcpflag::Rst, "rst"},
        {tcpflag::Psh, "psh"}, {tcpflag::Ack, "ack"}, {tcpflag::Urg, "urg"},
        {tcpflag::Ece, "ecn"}, {tcpflag::Cwr, "cwr"}};
    for (const auto& [bit, name] : kFlagNames) {
      if (all & bit) {
        key(name);
        writer_.Bool(true);
      }
    }
    if (f.tcp_state) {
      key("state");
      writer_.String(f.tcp_state);
    }
    writer_.EndObject();
  }
  return finish();
}

std::string EveFormatter::formatIncident(const Incident& inc) {
  begin();
  writeTimeAndHost(inc.last_seen);
  key("event_type");
  writer_.String("incident");
  key("incident");
  writer_.StartObject();
  key("id");
  writer_.Uint64(inc.id);
  key("state");
  writer_.String(incidentStateName(inc.state));
  key("title");
  writeString(inc.title);
  key("severity");
  writer_.Int(inc.severity);
  key("first_seen");
  writeTime(inc.first_seen);
  key("last_seen");
  writeTime(inc.last_seen);
  key("hosts");
  writer_.StartArray();
  // A correlation grouped by something other than an address (a domain) has no source.
  const bool has_source = inc.source.family != 0;
  if (has_source) writeIp(inc.source);
  for (const auto& t : inc.targets) {
    if (t != inc.source) writeIp(t);
  }
  writer_.EndArray();
  if (has_source) {
    key("source");
    writeIp(inc.source);
  }
  key("targets");
  writer_.StartArray();
  for (const auto& t : inc.targets) writeIp(t);
  writer_.EndArray();
  key("dest_ports");
  writer_.StartArray();
  for (uint16_t p : inc.dest_ports) writer_.Uint(p);
  writer_.EndArray();
  key("signature_ids");
  writer_.StartArray();
  for (uint32_t sid : inc.signature_ids) writer_.Uint(sid);
  writer_.EndArray();
  key("signatures");
  writer_.StartArray();
  for (const auto& s : inc.signatures) writeString(s);
  writer_.EndArray();
  key("flow_ids");
  writer_.StartArray();
  for (uint64_t id : inc.flow_ids) writer_.Uint64(id);
  writer_.EndArray();
  key("alert_ids");
  writer_.StartArray();
  for (uint64_t id : inc.alert_ids) writer_.Uint64(id);
  writer_.EndArray();
  key("alert_count");
  writer_.Uint64(inc.alert_count);
  if (!inc.rule.empty()) {
    key("rule");
    writeString(inc.rule);
  }
  if (!inc.group_key.empty()) {
    key("group_key");
    writeString(inc.group_key);
  }
  for (auto [name, list] : {std::pair{"stages", &inc.stages}, std::pair{"domains", &inc.domains},
                            std::pair{"tactics", &inc.tactics}, std::pair{"techniques", &inc.techniques},
                            std::pair{"sensors", &inc.sensors}}) {
    if (list->empty()) continue;
    key(name);
    writer_.StartArray();
    for (const auto& v : *list) writeString(v);
    writer_.EndArray();
  }
  writer_.EndObject();
  return finish();
}

std::string EveFormatter::formatStats(
    TimeUs ts, int64_t uptime_seconds,
    const std::vector<std::pair<std::string, uint64_t>>& counters) {
  // Built before any output so that a bad name throws with the writer untouched.
  StatsNode root;
  for (const auto& [name, value] : counters) insertCounter(root, name, value);
  for (const auto& c : root.children) {
    if (c.name == "uptime") {
      throw std::invalid_argument("stats counter 'uptime' clashes with the uptime field");
    }
  }

  begin();
  writeTimeAndHost(ts);
  key("event_type");
  writer_.String("stats");
  key("stats");
  writer_.StartObject();
  key("uptime");
  writer_.Int64(uptime_seconds);
  writeStatsChildren(writer_, root);
  writer_.EndObject();
  return finish();
}

}  // namespace mamori
