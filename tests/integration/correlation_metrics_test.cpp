// /metrics of a running sensor carries each correlation rule's counters and the incident
// manager's, scraped over HTTP while the run is live (its input a pipe left open), and
// they agree with the stats record the run ends with.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/eve_log.h"
#include "tests/integration/pcap_pipe.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// The sensor's name, from its configuration: every sample carries it as a label.
const std::string kSensor = "office-1";

// The value of one sample of the exposition text, by name and its own labels
// ("rule=\"port_scan\""); -1 when it is not there.
double sample(const std::string& body, const std::string& name, const std::string& labels = "") {
  const std::string series = name + "{sensor=\"" + kSensor + "\"" + (labels.empty() ? "" : "," + labels) + "}";
  size_t at = body.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + series.size() + 2));
}

std::string rule(const std::string& name) { return "rule=\"" + name + "\""; }

TEST(CorrelationMetrics, ARunningSensorServesPerRuleCorrelationCounters) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);

  std::ofstream(dir + "/mamori.yaml") << "sensor:\n  name: " << kSensor << "\n";
  PcapPipe pipe(dir,
                {"--workers", "2", "--metrics", "127.0.0.1:0", "--eve", dir + "/eve.json", "--no-summary", "--config",
                 dir + "/mamori.yaml"},
                dir + "/run.log");
  ASSERT_TRUE(pipe.ok()) << readFile(dir + "/run.log");
  ASSERT_TRUE(pipe.write(readFile(pcap)));

  std::smatch port;
  std::string log;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::regex_search(log = readFile(dir + "/run.log"), port, std::regex(R"(\(port (\d+)\))"))) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << log;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string url = "http://127.0.0.1:" + port[1].str() + "/metrics";
  // Scraped once the run has read every packet written, with the incidents still open (the
  // input has not ended).
  const double packets = std::stod(run("capinfos -M -c -T -r '" + pcap + "' | tail -1 | cut -f2").out);
  std::string body;
  const std::string scan = "mamori_correlation_matches_total";
  for (;;) {
    auto scrape = run("curl -sf " + url);
    body = "\n" + scrape.out;
    if (scrape.exit_code == 0 && sample(body, "mamori_packets_total") == packets &&
        sample(body, "mamori_incidents_open") >= 3) {
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << body;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The workers have read every packet; the output thread may still be correlating the
  // records they handed it. Scraped again until its counters stand still (no packet comes,
  // so nothing more is made until the input ends).
  auto correlated = [&] {
    return std::to_string(sample(body, "mamori_correlation_events_total", rule("port_scan"))) + "/" +
           std::to_string(sample(body, scan, rule("port_scan"))) + "/" +
           std::to_string(sample(body, "mamori_incidents_total"));
  };
  for (std::string before = correlated();;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto scrape = run("curl -sf " + url);
    ASSERT_EQ(scrape.exit_code, 0);
    body = "\n" + scrape.out;
    const std::string now = correlated();
    if (now == before) break;
    before = now;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << body;
  }
  // Every sample of mamori's names the sensor, first, so a central scraping many sensors tells
  // them apart. (prometheus-cpp's own exposer_* samples, about its HTTP server, are not ours.)
  size_t samples = 0;
  for (size_t at = 0; at < body.size();) {
    const size_t end = std::min(body.find('\n', at), body.size());
    const std::string line = body.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with("mamori_")) continue;
    ++samples;
    EXPECT_NE(line.find("{sensor=\"" + kSensor + "\""), std::string::npos) << line;
  }
  EXPECT_GT(samples, 100u);
  EXPECT_NE(body.find("# TYPE mamori_correlation_events_total counter"), std::string::npos);
  EXPECT_NE(body.find("# TYPE mamori_correlation_groups gauge"), std::string::npos);
  for (const char* name : {"port_scan", "host_sweep", "beaconing", "brute_force_connections", "dns_tunnelling",
                           "multi_stage_intrusion", "alerts_by_host"}) {
    for (const char* family : {"events", "matches", "evictions", "dropped_events"}) {
      const std::string series = std::string("mamori_correlation_") + family + "_total";
      EXPECT_GE(sample(body, series, rule(name)), 0) << series << " of " << name << " missing";
    }
    EXPECT_EQ(sample(body, "mamori_correlation_evictions_total", rule(name)), 0) << name;
  }
  EXPECT_GE(sample(body, scan, rule("port_scan")), 1);
  EXPECT_GE(sample(body, "mamori_correlation_events_total", rule("port_scan")), 200);
  EXPECT_GT(sample(body, "mamori_correlation_groups"), 0) << "mid-run, the engine holds groups";
  for (const char* name : {"mamori_incidents_total", "mamori_incident_updates_total", "mamori_incidents_closed_total",
                           "mamori_incidents_restored_total", "mamori_incidents_evicted_total"}) {
    EXPECT_GE(sample(body, name), 0) << name << " missing";
  }
  EXPECT_EQ(sample(body, "mamori_incidents_total") - sample(body, "mamori_incidents_closed_total"),
            sample(body, "mamori_incidents_open"));

  ASSERT_EQ(pipe.finish(), 0) << readFile(dir + "/run.log");
  EveLog eve = EveLog::load(dir + "/eve.json");
  const auto* stats = eve.lastStats();
  ASSERT_NE(stats, nullptr);
  // The scan was over minutes of packet time before the last packet: its matches were
  // final at the scrape; the end of input only adds (flows still open end then).
  EXPECT_EQ(sample(body, scan, rule("port_scan")), EveLog::number(*stats, "stats.correlate.rules.port_scan.matches"));
  EXPECT_LE(sample(body, "mamori_correlation_events_total", rule("port_scan")),
            EveLog::number(*stats, "stats.correlate.rules.port_scan.events"));
  EXPECT_LE(sample(body, "mamori_incidents_total"), EveLog::number(*stats, "stats.correlate.incidents_opened"));
}

}  // namespace
}  // namespace mamori::test
