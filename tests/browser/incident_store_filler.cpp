// incident-store-filler: writes an incident store holding COUNT open incidents, saved through
// IncidentStore as a sensor's correlator saves them, for the console's load test (10,000
// incidents in the queue). The incidents vary in sensor, severity, rule, hosts, evidence
// count and time the way several sensors' incidents do, deterministically from their number,
// so that filters and sorts select something of every size. The test reads them back with
// `mamori incidents list --json` for its expectations, never from this file's arithmetic.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include "alerting/incident_store.h"

namespace {

using mamori::Incident;
using mamori::IpAddress;

const char* const kSensors[] = {"hq", "branch-a", "branch-b", "dmz"};
constexpr mamori::TimeUs kStart = 1772442000LL * 1000000;  // 2026-03-02T09:00:00Z

IpAddress address(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  const uint8_t bytes[4] = {a, b, c, d};
  return IpAddress::v4(bytes);
}

// Incident n (from 1): one of the default rules' stories between an outside host and an
// office host.
Incident incident(uint32_t n) {
  Incident inc;
  inc.id = n;
  inc.sensor = kSensors[n % 4];
  inc.severity = static_cast<int>(1 + (n * 7) % 4);
  inc.source = address(198, 18, static_cast<uint8_t>(n / 250 % 250), static_cast<uint8_t>(1 + n % 250));
  const IpAddress target = address(10, 1, static_cast<uint8_t>(n % 7), static_cast<uint8_t>(10 + n % 31));
  inc.targets = {target};
  inc.first_seen = kStart + static_cast<mamori::TimeUs>(n) * 3'000'000;
  inc.last_seen = inc.first_seen + static_cast<mamori::TimeUs>(n % 600) * 1'000'000;
  inc.alert_count = 1 + (n * 37) % 500;
  const std::string from = inc.source.toString(), to = target.toString();
  switch (n % 4) {
    case 0:
      inc.rule = "port_scan";
      inc.title = "Port scan from " + from + " to " + to;
      inc.dest_ports = {22, 80, 443};
      inc.tactics = {"TA0007"};
      inc.techniques = {"T1046"};
      break;
    case 1:
      inc.rule = "alerts_by_host";
      inc.title = "Alerts from " + from;
      inc.signature_ids = {9000100 + n % 7};
      inc.signatures = {"MAMORI EXPLOIT load test signature " + std::to_string(n % 7)};
      inc.tactics = {"TA0001"};
      break;
    case 2:
      inc.rule = "beaconing";
      inc.title = "Beaconing from " + to + " to " + from + " (dest_port 8080)";
      inc.dest_ports = {8080};
      inc.tactics = {"TA0011"};
      break;
    default:
      inc.rule = "dns_tunnelling";
      inc.title = "DNS tunnelling from " + to + " (dns.rrname.domain t" + std::to_string(n % 97) + ".example)";
      inc.domains = {"t" + std::to_string(n % 97) + ".example"};
      inc.tactics = {"TA0011"};
      break;
  }
  inc.group_key = "src_ip=" + from;
  return inc;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes an incident store of COUNT open incidents for the console's load test."};
  std::string store_path;
  uint32_t count = 10000;
  app.add_option("--store", store_path, "incident store to create")->required();
  app.add_option("--count", count, "incidents to save")->check(CLI::Range(1u, 1'000'000u))->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    mamori::IncidentStore store = mamori::IncidentStore::open(store_path);
    store.transaction([&] {
      for (uint32_t n = 1; n <= count; ++n) store.save(incident(n));
    });
  } catch (const std::exception& e) {
    std::cerr << "incident-store-filler: " << e.what() << "\n";
    return 1;
  }
  std::cout << count << " incidents in " << store_path << "\n";
  return 0;
}
