// Live capture is real: a veth pair in a fresh network namespace, a corpus capture
// replayed into one end with tcpreplay, `mamori run --interface` on the other. It must
// count the same packets and flows as the same file read with --pcap, and serve the
// counters on /metrics while it runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>


#include "tests/integration/eve_log.h"
#include "tests/integration/veth_namespace.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// Replayed faster than recorded, the capture must not hold flows that time out when read
// from the file (live, they would not): the test checks that precondition.
const char* kCapture = "/corpus/ndpi/teams.pcap";


TEST(LiveCapture, VethReplayCountsTheSamePacketsAndFlowsAsTheFile) {
  MAMORI_REQUIRE_SHARED();
  MAMORI_REQUIRE_ROOT();
  const std::string pcap = sharedDir() + kCapture;
  const std::string dir = tempDir();

  // The reference: the file itself.
  ASSERT_EQ(runMamori(pcap, dir + "/file.json", "--workers 2"), 0);
  EveLog file_log = EveLog::load(dir + "/file.json");
  const auto* file_stats = file_log.lastStats();
  ASSERT_NE(file_stats, nullptr);
  ASSERT_EQ(EveLog::number(*file_stats, "stats.flow.timeout"), 0) << "pick a capture without flow timeouts";

  VethNamespace ns;
  ASSERT_TRUE(ns.ok());
  const int port = 19000 + getpid() % 1000;
  int pid = ns.startSensor("--workers 2 --stats-interval 1 --eve '" + dir + "/live.json'", dir + "/live.out", port);
  ASSERT_GT(pid, 0) << readFile(dir + "/live.out");
  std::string metrics_url = VethNamespace::metricsUrl(port);

  auto replay = run(ns.exec("tcpreplay -q -i veth-feed --pps 4000 '" + pcap + "' 2>&1"));
  ASSERT_EQ(replay.exit_code, 0) << replay.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  // While it runs, /metrics shows the counters an operator graphs.
  auto metrics = run(ns.exec("curl -sf " + metrics_url));
  ASSERT_EQ(metrics.exit_code, 0);
  for (const char* name : {"mamori_packets_total", "mamori_bytes_total", "mamori_decode_errors_total",
                           "mamori_flows_active", "mamori_flows_ended_total", "mamori_reassembly_bytes_total",
                           "mamori_reassembly_gaps_total", "mamori_alerts_total", "mamori_incidents_total",
                           "mamori_capture_kernel_drops_total"}) {
    EXPECT_NE(metrics.out.find(name), std::string::npos) << name << " missing from /metrics";
  }
  // Every sample names the sensor (sensor.name, by default the host name).
  const std::string sensor = "sensor=\"" + hostName() + "\"";
  EXPECT_NE(metrics.out.find("mamori_worker_packets_total{" + sensor + ",worker=\"1\"}"), std::string::npos)
      << metrics.out.substr(0, 2000);
  int64_t expected = EveLog::number(*file_stats, "stats.decoder.pkts");
  EXPECT_NE(metrics.out.find("mamori_packets_total{" + sensor + "} " + std::to_string(expected)), std::string::npos)
      << "all replayed packets counted while running:\n" << metrics.out.substr(0, 2000);

  VethNamespace::stopSensor(pid);
  EveLog live_log = EveLog::load(dir + "/live.json");
  const auto* live_stats = live_log.lastStats();
  ASSERT_NE(live_stats, nullptr) << readFile(dir + "/live.out");
  EXPECT_EQ(EveLog::number(*live_stats, "stats.decoder.pkts"), expected);
  EXPECT_EQ(EveLog::number(*live_stats, "stats.capture.kernel_drops"), 0);
  EXPECT_EQ(EveLog::number(*live_stats, "stats.decoder.invalid"), EveLog::number(*file_stats, "stats.decoder.invalid"));
  for (const char* counter : {"stats.flow.total", "stats.flow.tcp", "stats.flow.udp", "stats.flow.icmp"}) {
    EXPECT_EQ(EveLog::number(*live_stats, counter), EveLog::number(*file_stats, counter)) << counter;
  }
  EXPECT_EQ(live_log.ofType("flow").size(), file_log.ofType("flow").size());
  EXPECT_GE(live_log.ofType("stats").size(), 3u) << "--stats-interval 1 writes a stats record every second";
}

}  // namespace
}  // namespace mamori::test
