// Reading records back from EVE, as a central does with every record its sensors send:
// CorrelationEvent::fromEve for alerts and flows, incidentFromEve for incidents. Prints
// records/s of each on one core, and the ratio to what the sensor spends making the same
// event natively and formatting its EVE line, measured in the same run.
#include <fmt/core.h>

#include <chrono>
#include <string>
#include <vector>

#include "alerting/eve_formatter.h"
#include "alerting/eve_incident_reader.h"
#include "correlate/correlation_event.h"
#include "rules/rule_metadata.h"

namespace {

using namespace mamori;
using Clock = std::chrono::steady_clock;

IpAddress ip(const std::string& text) {
  IpAddress a;
  IpAddress::parse(text, a);
  return a;
}

// Records per second of `fn` over `n` calls.
template <typename F>
double rate(size_t n, F&& fn) {
  const auto start = Clock::now();
  size_t sink = 0;
  for (size_t i = 0; i < n; ++i) sink += fn(i);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (sink == 42) fmt::print("");  // keeps the work
  return static_cast<double>(n) / seconds;
}

}  // namespace

int main() {
  constexpr size_t kRecords = 4096, kCalls = 400'000;
  EveFormatter eve("tokyo-1");
  std::vector<Alert> alerts;
  std::vector<FlowRecord> flows;
  std::vector<std::string> alert_lines, flow_lines, incident_lines;
  const auto metadata = RuleMetadata::parse({"attack_target Client_Endpoint, created_at 2019_07_26, deployment Perimeter",
                                             "mitre_tactic_id TA0011, mitre_technique_id T1071, signature_severity Major"});
  for (size_t i = 0; i < kRecords; ++i) {
    Alert a;
    a.ts = 1'700'000'000'000'000 + static_cast<TimeUs>(i) * 1000;
    a.flow_id = 1'000'000 + i;
    a.src_ip = ip("10.0.0." + std::to_string(i % 250 + 1));
    a.dest_ip = ip("203.0.113.9");
    a.src_port = static_cast<uint16_t>(40000 + i % 20000);
    a.dest_port = 443;
    a.proto = 6;
    a.app_proto = "tls";
    a.sid = 2'027'000 + static_cast<uint32_t>(i % 100);
    a.rev = 3;
    a.signature = "ET MALWARE Observed Malicious SSL Cert (example C2)";
    a.category = "Domain Observed Used for C2 Detected";
    a.severity = 1;
    a.metadata = metadata;
    alerts.push_back(a);
    alert_lines.push_back(eve.formatAlert(a));

    FlowRecord f;
    f.flow_id = 2'000'000 + i;
    f.start = a.ts - 3'000'000;
    f.end = a.ts;
    f.src_ip = a.src_ip;
    f.dest_ip = a.dest_ip;
    f.src_port = a.src_port;
    f.dest_port = 443;
    f.proto = 6;
    f.pkts_toserver = 12;
    f.pkts_toclient = 10;
    f.bytes_toserver = 1500;
    f.bytes_toclient = 9000;
    f.tcp_flags_ts = f.tcp_flags_tc = tcpflag::Syn | tcpflag::Ack | tcpflag::Fin;
    f.tcp_state = "closed";
    f.state = "closed";
    flows.push_back(f);
    flow_lines.push_back(eve.formatFlow(f));

    Incident inc;
    inc.id = 3'000'000 + i;
    inc.sensor = "tokyo-1";
    inc.title = "Port scan from " + a.src_ip.toString();
    inc.rule = "port_scan";
    inc.group_key = "src_ip=" + a.src_ip.toString() + ",dest_ip=203.0.113.9";
    inc.first_seen = a.ts - 60'000'000;
    inc.last_seen = a.ts;
    inc.source = a.src_ip;
    inc.targets = {a.dest_ip};
    for (uint16_t p = 1; p <= 25; ++p) inc.dest_ports.push_back(p);
    for (uint64_t id = 0; id < 25; ++id) inc.flow_ids.push_back(f.flow_id + id);
    inc.tactics = {"TA0007"};
    inc.techniques = {"T1046"};
    inc.alert_count = 25;
    incident_lines.push_back(eve.formatIncident(inc));
  }

  const double native_alert = rate(kCalls, [&](size_t i) {
    return CorrelationEvent::fromAlert(alerts[i % kRecords]).fields.size() + eve.formatAlert(alerts[i % kRecords]).size();
  });
  const double read_alert =
      rate(kCalls, [&](size_t i) { return CorrelationEvent::fromEve(alert_lines[i % kRecords])->fields.size(); });
  const double native_flow = rate(kCalls, [&](size_t i) {
    return CorrelationEvent::fromFlow(flows[i % kRecords]).fields.size() + eve.formatFlow(flows[i % kRecords]).size();
  });
  const double read_flow =
      rate(kCalls, [&](size_t i) { return CorrelationEvent::fromEve(flow_lines[i % kRecords])->fields.size(); });
  const double read_incident_event =
      rate(kCalls, [&](size_t i) { return CorrelationEvent::fromEve(incident_lines[i % kRecords])->fields.size(); });
  const double read_incident =
      rate(kCalls, [&](size_t i) { return incidentFromEve(incident_lines[i % kRecords])->dest_ports.size(); });

  fmt::print("alert: fromEve {:.0f}/s, sensor (fromAlert + format) {:.0f}/s, ratio {:.2f}; line {} bytes\n", read_alert,
             native_alert, read_alert / native_alert, alert_lines[0].size());
  fmt::print("flow: fromEve {:.0f}/s, sensor (fromFlow + format) {:.0f}/s, ratio {:.2f}; line {} bytes\n", read_flow,
             native_flow, read_flow / native_flow, flow_lines[0].size());
  fmt::print("incident: fromEve {:.0f}/s, incidentFromEve {:.0f}/s; line {} bytes\n", read_incident_event,
             read_incident, incident_lines[0].size());
  return 0;
}
