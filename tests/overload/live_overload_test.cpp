// A sensor on a tap is overloaded by the traffic it watches. Corpus captures replayed at top
// speed into a veth for a minute, with new addresses on every loop (tcpreplay --unique-ip) so
// the flow table keeps filling, under ET Open: the sensor must read every packet the kernel
// handed it or count it dropped, stay within its memory budget, and stop cleanly on SIGTERM.
// It runs alone (RUN_SERIAL): it takes both cores, and live tests beside it would drop.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/eve_log.h"
#include "tests/integration/veth_namespace.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

const char* kCaptures[] = {"/corpus/ndpi/teams.pcap", "/corpus/ndpi/ftp.pcap", "/corpus/ndpi/coap_mqtt.pcap",
                           "/corpus/ndpi/wireguard.pcap"};
constexpr int kReplaySeconds = 60;
// docs/operations.md, "Memory budget": the default configuration with 2 workers and ET Open.
constexpr int64_t kBudgetBytes = int64_t{1060} << 20;

// A /proc/PID/status field in bytes (VmRSS, VmHWM), or -1 when the process is gone.
int64_t statusBytes(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1)) * 1024;
  }
  return -1;
}

int64_t counterOf(const std::string& text, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(label + R"(:?\s+(\d+))"))) return -1;
  return std::stoll(m[1]);
}

TEST(LiveOverload, TopSpeedForAMinuteIsReadOrCountedWithinTheBudgetAndStopsOnSigterm) {
  MAMORI_REQUIRE_SHARED();
  MAMORI_REQUIRE_ROOT();
  const std::string dir = tempDir();
  const std::string rules = sharedDir() + "/rules/et-open";
  std::string captures;
  for (const char* c : kCaptures) captures += " '" + sharedDir() + c + "'";
  std::ofstream(dir + "/sensor.yaml") << "detect:\n  cache-dir: " << dir << "/cache\ncorrelate:\n  store: ''\n";

  // ET Open compiled once beforehand, as a restarted sensor finds it in its cache: the minute
  // measures the sensor, not Hyperscan's compiler.
  ASSERT_EQ(runMamori(sharedDir() + kCaptures[1], dir + "/warm.json",
                      "--config '" + dir + "/sensor.yaml' --rules '" + rules + "'"),
            0);

  VethNamespace ns;
  ASSERT_TRUE(ns.ok());
  const int port = 19000 + getpid() % 1000;
  const std::string sensor_cmd = mamoriBinary() + " run --interface veth-cap --workers 2 --stats-interval 5 --config '" +
                                 dir + "/sensor.yaml' --rules '" + rules + "' --eve '" + dir +
                                 "/eve.json' --metrics 127.0.0.1:" + std::to_string(port);
  int exit_code = -1;
  std::thread sensor([&] { exit_code = run(ns.exec(sensor_cmd) + " > '" + dir + "/sensor.out' 2>&1").exit_code; });
  int pid = -1;
  for (int i = 0; i < 300 && pid < 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (run(ns.exec("curl -sf " + VethNamespace::metricsUrl(port) + " >/dev/null")).exit_code != 0) continue;
    auto found = run("pgrep -f '^" + mamoriBinary() + " run --interface veth-cap.*" + dir + "/eve.json'");
    if (found.exit_code == 0) pid = std::stoi(found.out);
  }
  if (pid < 0) {
    run("pkill -9 -f '" + dir + "/eve.json'");
    sensor.join();
    FAIL() << "the sensor did not come up:\n" << readFile(dir + "/sensor.out");
  }
  const int64_t rss_started = statusBytes(pid, "VmRSS");

  auto replay = run(ns.exec("tcpreplay -i veth-feed --topspeed --loop 0 --unique-ip --duration " +
                            std::to_string(kReplaySeconds) + captures + " 2>&1"));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const int64_t rss_peak = statusBytes(pid, "VmHWM");
  const int64_t rss_end = statusBytes(pid, "VmRSS");
  const auto veth_dropped =
      run(ns.exec("cat /sys/class/net/veth-cap/statistics/rx_dropped /sys/class/net/veth-feed/statistics/tx_dropped"));

  auto stopped_at = std::chrono::steady_clock::now();
  run("kill -TERM " + std::to_string(pid));
  sensor.join();
  double stop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped_at).count();

  ASSERT_EQ(replay.exit_code, 0) << replay.out;
  const int64_t sent = counterOf(replay.out, "Successful packets");
  ASSERT_GT(sent, 0) << replay.out;
  EXPECT_EQ(exit_code, 0) << readFile(dir + "/sensor.out");
  EXPECT_LT(stop_seconds, 15.0) << "SIGTERM: flush, final stats, exit";

  EveLog log = EveLog::load(dir + "/eve.json");
  EXPECT_EQ(log.badLines(), 0u) << "every EVE line complete after SIGTERM";
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr) << readFile(dir + "/sensor.out");
  const int64_t read = EveLog::number(*stats, "stats.decoder.pkts");
  const int64_t kernel_saw = EveLog::number(*stats, "stats.capture.kernel_packets");
  const int64_t kernel_drops = EveLog::number(*stats, "stats.capture.kernel_drops");
  int64_t veth_drops = 0;
  for (std::istringstream in(veth_dropped.out); in;) {
    int64_t n = 0;
    if (in >> n) veth_drops += n;
  }

  // Nothing lost unseen: every packet the socket was handed was read or counted dropped, and
  // every packet sent reached the socket or was counted dropped by the veth pair. The namespace
  // has no IPv6, so nothing but tcpreplay sends.
  EXPECT_EQ(read + kernel_drops, kernel_saw);
  EXPECT_EQ(kernel_saw + veth_drops, sent) << replay.out;

  std::printf("[ figures  ] sent %lld packets in %d s (%.0f pkt/s); read %lld, kernel drops %lld, veth drops %lld; "
              "flows %lld; alerts %zu; app-layer memcap refusals %lld\n"
              "[ figures  ] RSS %.1f MB after start, %.1f MB at the end, peak %.1f MB (budget %.1f MB); stopped %.2f s after SIGTERM\n",
              (long long)sent, kReplaySeconds, double(sent) / kReplaySeconds, (long long)read, (long long)kernel_drops,
              (long long)veth_drops, (long long)EveLog::number(*stats, "stats.flow.total"), log.ofType("alert").size(),
              (long long)EveLog::number(*stats, "stats.app_layer.memcap_refused"), rss_started / 1e6, rss_end / 1e6, rss_peak / 1e6, kBudgetBytes / 1e6, stop_seconds);
  EXPECT_LE(rss_peak, kBudgetBytes) << "peak RSS within the documented memory budget";
}

}  // namespace
}  // namespace mamori::test
