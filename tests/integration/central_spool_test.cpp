// Nothing lost, nothing doubled, capture never waits: sensors fed through a pipe (as a tap
// feeds them) while the central is killed with SIGKILL and restarted, or not there yet, or
// away so long that the spool fills.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/eve_log.h"
#include "tests/integration/gsoc_lab.h"
#include "tests/integration/pcap_pipe.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kSent{"alert", "incident", "stats", "flow", "http", "dns", "tls", "ssh"};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Writes a capture file into the pipe in `parts` pieces, calling `between(i)` after piece i.
template <typename F>
void feed(PcapPipe& pipe, const std::string& pcap, int parts, F between) {
  const std::string bytes = readFile(pcap);
  const size_t step = bytes.size() / parts + 1;
  for (int i = 0; i < parts; ++i) {
    const size_t at = std::min(bytes.size(), i * step);
    ASSERT_TRUE(pipe.write(bytes.substr(at, std::min(step, bytes.size() - at))));
    std::this_thread::sleep_for(150ms);
    between(i);
  }
}

std::vector<std::string> runArgs(const GsocLab& lab, const std::string& sensor) {
  return {"--config", lab.dir() + "/" + sensor + ".yaml", "--eve", lab.sensorEve(sensor), "--workers", "2"};
}

TEST(CentralSpool, KillingTheCentralMidRunLosesNothingAndDoublesNothing) {
  MAMORI_REQUIRE_SHARED();
  GsocLab lab(tempDir());
  lab.configureCentral({"sensor-a"});
  lab.sensorConfig("sensor-a", "  records: [alert, incident, stats, flow, http, dns, tls, ssh]\n",
                   "stats-interval: 1\n");
  ASSERT_TRUE(lab.startCentral()) << lab.centralLog();
  PcapPipe pipe(lab.dir(), runArgs(lab, "sensor-a"), lab.dir() + "/sensor-a/run.log");
  ASSERT_TRUE(pipe.ok());
  feed(pipe, sharedDir() + "/corpus/ndpi/1kxun.pcap", 12, [&](int i) {
    if (i == 4) {
      lab.killCentral(SIGKILL);
      std::this_thread::sleep_for(700ms);
    }
    if (i == 6) {
      ASSERT_TRUE(lab.startCentral()) << lab.centralLog();
    }
  });
  ASSERT_EQ(pipe.finish(), 0) << readFile(lab.dir() + "/sensor-a/run.log");
  lab.killCentral(SIGTERM);

  const auto sent = sorted(eveLines(lab.sensorEve("sensor-a"), "sensor-a", kSent));
  ASSERT_GT(sent.size(), 100u);
  EXPECT_EQ(sorted(eveLines(lab.centralEve(), "sensor-a", kSent)), sent)
      << "every record the sensor wrote is in the central's EVE file exactly once";
  const EveLog eve_a = EveLog::load(lab.sensorEve("sensor-a"));
  const auto* stats = eve_a.lastStats();
  ASSERT_NE(stats, nullptr);
  EXPECT_GE(EveLog::number(*stats, "stats.central.links"), 2) << "it linked again after the restart";
  EXPECT_EQ(EveLog::number(*stats, "stats.central.dropped"), 0);

  // The store agrees: each incident the sensor raised is there once, in its last state.
  EveLog eve = EveLog::load(lab.sensorEve("sensor-a"));
  std::map<int64_t, std::string> last_state;
  for (const auto* inc : eve.ofType("incident")) {
    last_state[EveLog::number(*inc, "incident.id")] = EveLog::string(*inc, "incident.state");
  }
  auto listed = run(mamoriBinary() + " incidents list --db '" + lab.centralStore() + "' --state all --sensor sensor-a --json");
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  size_t n = 0;
  for (size_t at = 0; (at = listed.out.find("\"event_type\":\"incident\"", at)) != std::string::npos; ++at) ++n;
  EXPECT_EQ(n, last_state.size());
}

TEST(CentralSpool, ASensorStartedWhileTheCentralIsDownSpoolsThenReplays) {
  MAMORI_REQUIRE_SHARED();
  GsocLab lab(tempDir());
  lab.configureCentral({"sensor-a"});
  lab.sensorConfig("sensor-a", "  records: [alert, incident, stats, flow, http, dns, tls, ssh]\n");
  PcapPipe pipe(lab.dir(), runArgs(lab, "sensor-a"), lab.dir() + "/sensor-a/run.log");
  ASSERT_TRUE(pipe.ok());
  feed(pipe, sharedDir() + "/corpus/ndpi/WebattackRCE.pcap", 6, [](int) {});
  // The whole capture read, its records written and waiting in the spool while the sensor
  // waits for the central (drain-timeout): only then does the central come. Counted, not
  // timed: how far a run gets in a given time depends on the build (the sanitizers').
  pipe.close();
  for (auto start = std::chrono::steady_clock::now();
       eveLines(lab.sensorEve("sensor-a"), "sensor-a", kSent).empty() && std::chrono::steady_clock::now() - start < 60s;) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(lab.startCentral()) << lab.centralLog();
  ASSERT_EQ(pipe.finish(), 0) << readFile(lab.dir() + "/sensor-a/run.log");
  lab.killCentral(SIGTERM);
  const auto sent = sorted(eveLines(lab.sensorEve("sensor-a"), "sensor-a", kSent));
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sorted(eveLines(lab.centralEve(), "sensor-a", kSent)), sent);
  const EveLog eve_a = EveLog::load(lab.sensorEve("sensor-a"));
  const auto* stats = eve_a.lastStats();
  ASSERT_NE(stats, nullptr);
  EXPECT_GT(EveLog::number(*stats, "stats.central.spooled"), 0) << "records waited while the central was down";
  EXPECT_GT(EveLog::number(*stats, "stats.central.replayed"), 0) << "and were replayed once it came";
}

TEST(CentralSpool, AFullSpoolDropsAndCountsAndCaptureNeverWaits) {
  MAMORI_REQUIRE_SHARED();
  GsocLab lab(tempDir());
  lab.configureCentral({"sensor-a"});
  // One alert for every packet fills a 1 MB spool several times over.
  const std::string rules = lab.dir() + "/every-packet.rules";
  std::ofstream(rules) << "alert ip any any -> any any (msg:\"every packet\"; sid:1; rev:1;)\n";
  lab.sensorConfig("sensor-a", "  spool-max: 1mb\n  drain-timeout: 1\n");
  const std::string pcap = sharedDir() + "/corpus/ndpi/coap_mqtt.pcap";
  std::string log;
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(lab.runSensor("sensor-a", pcap, "--rules '" + rules + "'", &log), 0) << log;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s) << "the run did not wait for the central";
  const EveLog eve = EveLog::load(lab.sensorEve("sensor-a"));
  const auto* stats = eve.lastStats();
  ASSERT_NE(stats, nullptr);
  const int64_t packets = std::stoll(run("capinfos -M -c -T -r '" + pcap + "' | tail -1 | cut -f2").out);
  EXPECT_EQ(EveLog::number(*stats, "stats.decoder.pkts"), packets) << "every packet was read";
  const int64_t dropped = EveLog::number(*stats, "stats.central.dropped");
  EXPECT_GT(dropped, 0) << "the spool filled";
  const auto sent = eveLines(lab.sensorEve("sensor-a"), "sensor-a", {"alert", "incident", "stats"});

  // The central comes back: the spool's records reach it, the dropped ones never do, and
  // the next run's records follow them.
  ASSERT_TRUE(lab.startCentral()) << lab.centralLog();
  const std::string tiny = sharedDir() + "/corpus/ndpi/amqp.pcap";
  ASSERT_EQ(lab.runSensor("sensor-a", tiny, "", &log), 0) << log;
  lab.killCentral(SIGTERM);
  const auto all_sent = eveLines(lab.sensorEve("sensor-a"), "sensor-a", {"alert", "incident", "stats"});
  const auto held = eveLines(lab.centralEve(), "sensor-a", {"alert", "incident", "stats"});
  const EveLog second_eve = EveLog::load(lab.sensorEve("sensor-a"));
  const auto* second = second_eve.lastStats();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(EveLog::number(*second, "stats.central.dropped"), 0);
  // Each record held was sent once; what is missing is what the full spool dropped (the
  // final stats record counts the drops before it, and may have been dropped itself).
  std::multiset<std::string> remaining(all_sent.begin(), all_sent.end());
  for (const std::string& line : held) {
    auto it = remaining.find(line);
    ASSERT_NE(it, remaining.end()) << "held but never sent, or held twice: " << line;
    remaining.erase(it);
  }
  EXPECT_GE(int64_t(remaining.size()), dropped);
  EXPECT_LE(int64_t(remaining.size()), dropped + 1);
  EXPECT_GT(held.size(), sent.size() / 10) << "what the spool held before it filled reached the central";
}

}  // namespace
}  // namespace mamori::test
