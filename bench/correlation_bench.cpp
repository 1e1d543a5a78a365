// Correlation throughput: every default correlation rule (correlate/rules) fed a synthetic
// stream of alerts from many hosts, as the output thread would feed them, through the
// engine and the incident manager. Prints events/s and the resident memory each tracked
// group costs, for issue 5's aim: one core correlating at least ten times the alert rate
// the detection stage produces on the benchmark capture.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "correlate/correlation_engine.h"
#include "correlate/correlation_event.h"
#include "correlate/correlation_rule_parser.h"
#include "correlate/incident_manager.h"

namespace {

using namespace mamori;

long residentKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

struct CountingSink : IncidentSink {
  uint64_t changes = 0;
  void onIncident(const Incident&) override { ++changes; }
};

// Alerts of a few kinds, each with the ATT&CK metadata ET rules carry, so the intrusion
// rules see recon, exploit and command-and-control stages.
std::vector<Alert> alertKinds() {
  struct Kind {
    uint32_t sid;
    const char* msg;
    const char* tactic;
    const char* technique;
  };
  const Kind kinds[] = {{2001219, "ET SCAN Potential SSH Scan", "TA0043", "T1595"},
                        {2034647, "ET EXPLOIT Apache Path Traversal", "TA0001", "T1190"},
                        {2008581, "ET TROJAN Generic Bot Check-in", "TA0011", "T1071"},
                        {2001569, "ET POLICY Brute Force login attempt", "TA0006", "T1110"}};
  std::vector<Alert> out;
  for (const Kind& k : kinds) {
    Alert a;
    a.sid = k.sid;
    a.signature = k.msg;
    a.category = "Attempted Administrator Privilege Gain";
    a.severity = 2;
    a.proto = 6;
    a.metadata = RuleMetadata::parse({std::string("mitre_tactic_id ") + k.tactic + ", mitre_technique_id " + k.technique});
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mamori correlation benchmark"};
  std::string rules = MAMORI_DEFAULT_CORRELATION_DIR;
  uint64_t alerts = 1'000'000;
  uint32_t hosts = 10'000;
  double seconds = 3600;  // packet time the stream spans
  app.add_option("--rules", rules, "correlation rule file or folder (default: the default rules)");
  app.add_option("--alerts", alerts, "alerts in the stream");
  app.add_option("--hosts", hosts, "distinct source hosts");
  app.add_option("--span", seconds, "seconds of packet time the stream covers");
  CLI11_PARSE(app, argc, argv);

  CorrelationRuleParser parser;
  parser.addPath(rules);
  CorrelationRuleSet set = parser.finish();
  const std::vector<Alert> kinds = alertKinds();
  std::mt19937_64 rng(7);
  // Built before timing: the stream as the output thread would hold it.
  std::vector<CorrelationEvent> events;
  events.reserve(alerts);
  const TimeUs start = TimeUs{1'772'442'000} * 1'000'000;
  for (uint64_t i = 0; i < alerts; ++i) {
    Alert a = kinds[rng() % kinds.size()];
    a.ts = start + static_cast<TimeUs>(seconds * 1e6 * double(i) / double(alerts));
    const uint32_t host = static_cast<uint32_t>(rng() % hosts);
    IpAddress::parse(fmt::format("10.{}.{}.{}", host >> 16, (host >> 8) & 0xff, host & 0xff), a.src_ip);
    IpAddress::parse(fmt::format("192.0.2.{}", rng() % 200 + 1), a.dest_ip);
    a.src_port = static_cast<uint16_t>(1024 + rng() % 60000);
    a.dest_port = static_cast<uint16_t>(rng() % 4 == 0 ? 22 : rng() % 1024);
    a.flow_id = rng();
    events.push_back(CorrelationEvent::fromAlert(a));
  }

  CountingSink sink;
  IncidentManager incidents(sink);
  CorrelationEngine engine(std::move(set), CorrelationEngineConfig{}, incidents);
  const long before_kb = residentKb();
  const auto t0 = std::chrono::steady_clock::now();
  TimeUs last_advance = start;
  for (const CorrelationEvent& e : events) {
    engine.onEvent(e);
    // The output thread advances on each watermark; about every 100 ms of packet time.
    if (e.ts - last_advance >= 100'000) {
      engine.advance(e.ts);
      incidents.advance(e.ts);
      last_advance = e.ts;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const size_t groups = engine.groups();
  const long grown_kb = residentKb() - before_kb;
  engine.flush();
  incidents.flush();
  uint64_t matches = 0;
  for (const auto& c : engine.counters()) matches += c.matches;
  fmt::print("alerts={} hosts={} seconds={:.3f} events_per_s={:.0f} groups_tracked={} kb_per_group={:.2f} "
             "matches={} incident_changes={} incidents_opened={}\n",
             alerts, hosts, secs, double(alerts) / secs, groups, groups ? double(grown_kb) / double(groups) : 0.0,
             matches, sink.changes, incidents.counters().incidents_opened);
  return 0;
}
