// Live capture is real: a veth pair in a fresh network namespace, a corpus capture
// replayed into one end with tcpreplay, `mamori run --interface` on the other. It must
// count the same packets and flows as the same file read with --pcap, and serve the
// counters on /metrics while it runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// Replayed faster than recorded, the capture must not hold flows that time out when read
// from the file (live, they would not): the test checks that precondition.
const char* kCapture = "/corpus/ndpi/teams.pcap";

class Namespace {
 public:
  Namespace() : name_("mamori-live-" + std::to_string(getpid())) {
    run("ip netns del " + name_ + " 2>/dev/null");
    ok_ = sh("ip netns add " + name_) && sh(exec("ip link set lo up")) &&
          // No IPv6 on the pair: router solicitations and DAD would add packets of their own.
          sh(exec("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1")) &&
          sh(exec("ip link add veth-cap type veth peer name veth-feed")) &&
          sh(exec("ip link set veth-cap mtu 9000")) && sh(exec("ip link set veth-feed mtu 9000")) &&
          sh(exec("ip link set veth-cap up")) && sh(exec("ip link set veth-feed up"));
  }
  ~Namespace() { run("ip netns del " + name_ + " 2>/dev/null"); }
  bool ok() const { return ok_; }
  std::string exec(const std::string& cmd) const { return "ip netns exec " + name_ + " " + cmd; }

 private:
  static bool sh(const std::string& cmd) {
    auto r = run(cmd + " 2>&1");
    if (r.exit_code != 0) std::fprintf(stderr, "failed: %s: %s\n", cmd.c_str(), r.out.c_str());
    return r.exit_code == 0;
  }
  std::string name_;
  bool ok_ = false;
};

TEST(LiveCapture, VethReplayCountsTheSamePacketsAndFlowsAsTheFile) {
  MAMORI_REQUIRE_SHARED();
  if (geteuid() != 0) {
    if (std::getenv("CI")) FAIL() << "live capture needs root";
    GTEST_SKIP() << "live capture needs root";
  }
  const std::string pcap = sharedDir() + kCapture;
  const std::string dir = tempDir();

  // The reference: the file itself.
  ASSERT_EQ(runMamori(pcap, dir + "/file.json", "--workers 2"), 0);
  EveLog file_log = EveLog::load(dir + "/file.json");
  const auto* file_stats = file_log.lastStats();
  ASSERT_NE(file_stats, nullptr);
  ASSERT_EQ(EveLog::number(*file_stats, "stats.flow.timeout"), 0) << "pick a capture without flow timeouts";

  Namespace ns;
  ASSERT_TRUE(ns.ok());
  const int port = 19000 + getpid() % 1000;
  std::string live_cmd = ns.exec(mamoriBinary() + " run --interface veth-cap --workers 2 --stats-interval 1 --eve '" + dir +
                                 "/live.json' --metrics 127.0.0.1:" + std::to_string(port) + " > '" + dir +
                                 "/live.out' 2>&1 & echo $!");
  int pid = std::stoi(run(live_cmd).out);
  std::string metrics_url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    up = run(ns.exec("curl -sf " + metrics_url + " >/dev/null")).exit_code == 0;
  }
  ASSERT_TRUE(up) << readFile(dir + "/live.out");

  auto replay = run(ns.exec("tcpreplay -q -i veth-feed --pps 4000 '" + pcap + "' 2>&1"));
  ASSERT_EQ(replay.exit_code, 0) << replay.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  // While it runs, /metrics shows the counters an operator graphs.
  auto metrics = run(ns.exec("curl -sf " + metrics_url));
  ASSERT_EQ(metrics.exit_code, 0);
  for (const char* name : {"mamori_packets_total", "mamori_bytes_total", "mamori_decode_errors_total",
                           "mamori_flows_active", "mamori_flows_ended_total", "mamori_reassembly_bytes_total",
                           "mamori_reassembly_gaps_total", "mamori_alerts_total", "mamori_incidents_total",
                           "mamori_capture_kernel_drops_total", "mamori_worker_packets_total{worker=\"1\"}"}) {
    EXPECT_NE(metrics.out.find(name), std::string::npos) << name << " missing from /metrics";
  }
  int64_t expected = EveLog::number(*file_stats, "stats.decoder.pkts");
  EXPECT_NE(metrics.out.find("mamori_packets_total " + std::to_string(expected)), std::string::npos)
      << "all replayed packets counted while running:\n" << metrics.out.substr(0, 2000);

  run("kill -INT " + std::to_string(pid));
  for (int i = 0; i < 100 && run("kill -0 " + std::to_string(pid) + " 2>/dev/null").exit_code == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
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
