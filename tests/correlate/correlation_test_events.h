#pragma once
// Events, rule sets and a recording sink for the correlation engine's tests.
#include <string>
#include <vector>

#include "correlate/correlation_engine.h"
#include "correlate/correlation_event.h"
#include "correlate/correlation_rule_parser.h"
#include "rules/rule_metadata.h"

namespace mamori::test {

inline constexpr TimeUs kSecond = 1'000'000;

inline IpAddress ip(const std::string& text) {
  IpAddress a;
  IpAddress::parse(text, a);
  return a;
}

struct FlowShape {
  uint8_t proto = 6;
  uint64_t pkts_toserver = 1, pkts_toclient = 1;
  uint64_t bytes_toserver = 60, bytes_toclient = 60;
  uint16_t src_port = 40000;
};

inline CorrelationEvent flowEvent(TimeUs ts, const std::string& src, const std::string& dest, uint16_t dest_port,
                                  FlowShape shape = {}) {
  static uint64_t next_flow = 1;
  FlowRecord f;
  f.flow_id = next_flow++;
  f.start = ts - kSecond;
  f.end = ts;
  f.src_ip = ip(src);
  f.dest_ip = ip(dest);
  f.src_port = shape.src_port;
  f.dest_port = dest_port;
  f.proto = shape.proto;
  f.pkts_toserver = shape.pkts_toserver;
  f.pkts_toclient = shape.pkts_toclient;
  f.bytes_toserver = shape.bytes_toserver;
  f.bytes_toclient = shape.bytes_toclient;
  return CorrelationEvent::fromFlow(f);
}

inline CorrelationEvent alertEvent(TimeUs ts, const std::string& src, const std::string& dest, uint32_t sid,
                                   const std::string& signature, const std::vector<std::string>& metadata = {},
                                   uint16_t dest_port = 80) {
  Alert a;
  a.ts = ts;
  a.flow_id = sid * 1000 + static_cast<uint64_t>(ts / kSecond);
  a.src_ip = ip(src);
  a.dest_ip = ip(dest);
  a.src_port = 40000;
  a.dest_port = dest_port;
  a.proto = 6;
  a.sid = sid;
  a.signature = signature;
  a.category = "Attempted Administrator Privilege Gain";
  a.severity = 1;
  a.metadata = RuleMetadata::parse(metadata);
  return CorrelationEvent::fromAlert(a);
}

inline CorrelationEvent dnsQuery(TimeUs ts, const std::string& src, const std::string& name) {
  AppRecord r;
  r.event = AppEvent::DnsMessage;
  r.ts = ts;
  r.flow_id = 1;
  r.src_ip = ip(src);
  r.dest_ip = ip("192.0.2.53");
  r.src_port = 50000;
  r.dest_port = 53;
  r.proto = 17;
  DnsMessage m;
  m.queries.push_back({name, 1, 1});
  r.body = m;
  return *CorrelationEvent::fromApp(r);
}

inline CorrelationEvent httpEvent(TimeUs ts, const std::string& src, const std::string& dest, int status,
                                  const std::string& host = "intranet.example") {
  AppRecord r;
  r.event = AppEvent::HttpResponse;
  r.ts = ts;
  r.flow_id = 7;
  r.src_ip = ip(src);
  r.dest_ip = ip(dest);
  r.src_port = 41000;
  r.dest_port = 80;
  r.proto = 6;
  HttpTransaction tx;
  tx.host = host;
  tx.uri_raw = "/login";
  tx.status = status;
  r.body = tx;
  return *CorrelationEvent::fromApp(r);
}

class RecordingSink : public CorrelationMatchSink {
 public:
  void onMatch(const CorrelationMatch& match) override { matches.push_back(match); }
  std::vector<std::string> rules() const {
    std::vector<std::string> out;
    for (const auto& m : matches) out.push_back(m.rule);
    return out;
  }
  std::vector<CorrelationMatch> matches;
};

inline CorrelationRuleSet parseRules(const std::string& text, const std::string& file = "test.yaml") {
  CorrelationRuleParser parser;
  parser.addText(text, file);
  return parser.finish();
}

inline CorrelationRuleSet defaultRules() {
  CorrelationRuleParser parser;
  parser.addPath(std::string(MAMORI_SOURCE_DIR) + "/correlate/rules");
  return parser.finish();
}

}  // namespace mamori::test
