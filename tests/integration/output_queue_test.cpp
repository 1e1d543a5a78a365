// output.max-queued-records bounds what each worker has on its way to the output thread.
// A capture file waits for room and loses nothing, whatever the bound and the number of
// workers (a full worker whose oldest records wait on a worker that gets no packet must
// not hang the run); a live interface drops over the bound and counts every record it drops.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/eve_log.h"
#include "tests/integration/veth_namespace.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

std::string configWithBound(const std::string& dir, int records) {
  const std::string path = dir + "/bound-" + std::to_string(records) + ".yaml";
  std::ofstream(path) << "output:\n  max-queued-records: " << records << "\n";
  return path;
}

// The EVE lines of the merge (flows, alerts, app records) in the order written, and the
// incidents as they closed, sorted: the correlation engine also emits as packet time
// passes, at whatever pass of the output thread sees it pass, so where an incident update
// falls between records, and what it holds by then, depends on timing with or without a
// bound. Stats records are left out (they count the waits).
struct Records {
  std::vector<std::string> merged, incidents;
};

Records recordsOf(const std::string& eve) {
  Records out;
  std::ifstream in(eve);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"event_type\":\"stats\"") != std::string::npos) continue;
    if (line.find("\"event_type\":\"incident\"") == std::string::npos) {
      out.merged.push_back(line);
    } else if (line.find("\"state\":\"closed\"") != std::string::npos) {
      out.incidents.push_back(line);
    }
  }
  std::sort(out.incidents.begin(), out.incidents.end());
  return out;
}

std::string floodCapture(const std::string& dir, const std::string& scenario, int count) {
  const std::string pcap = dir + "/" + scenario + ".pcap";
  auto r = run(binaryDir() + "/tools/mamori-floodgen --scenario " + scenario + " --count " + std::to_string(count) +
               " --out '" + pcap + "'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return pcap;
}

// Each worker count against the unbounded-in-practice default: the same records, in the
// same order, and the stats say the bound held the workers back rather than dropped.
void expectSameRecordsWithBound(const std::string& pcap, const std::string& dir, int bound) {
  const std::string config = configWithBound(dir, bound);
  for (int workers : {1, 2, 3}) {
    SCOPED_TRACE(pcap + " with " + std::to_string(workers) + " workers");
    const std::string w = " --workers " + std::to_string(workers);
    const std::string free_eve = dir + "/free.json", bound_eve = dir + "/bound.json";
    ASSERT_EQ(runMamori(pcap, free_eve, w), 0);
    std::filesystem::remove(bound_eve);  // mamori appends to an EVE file
    // `timeout`: a deadlock between a full worker and the merge would otherwise hang ctest.
    ASSERT_EQ(run("timeout 120 " + mamoriBinary() + " run --pcap '" + pcap + "' --eve '" + bound_eve +
                  "' --no-summary --config '" + config + "'" + w + " 2>&1").exit_code, 0)
        << "the bounded run did not finish";
    const Records free_records = recordsOf(free_eve), bound_records = recordsOf(bound_eve);
    EXPECT_GT(free_records.merged.size(), 100u);
    EXPECT_EQ(free_records.merged.size(), bound_records.merged.size());
    EXPECT_TRUE(free_records.merged == bound_records.merged) << "the records differ or come in another order";
    EXPECT_TRUE(free_records.incidents == bound_records.incidents) << "the incidents differ";
    EveLog log = EveLog::load(bound_eve);
    const auto* stats = log.lastStats();
    ASSERT_NE(stats, nullptr);
    EXPECT_GT(EveLog::number(*stats, "stats.output.queue_waits"), 0) << "the bound never held a worker back";
    EXPECT_EQ(EveLog::number(*stats, "stats.output.queue_dropped"), 0);
    EXPECT_EQ(EveLog::number(*stats, "stats.output.queue_records"), 0) << "everything is out at the end";
  }
}

TEST(OutputQueue, CaptureFileWithATinyBoundLosesNothingAndKeepsTheOrder) {
  const std::string dir = tempDir();
  const std::string demo = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + demo + "'").exit_code, 0);
  expectSameRecordsWithBound(demo, dir, 1);
  // DNS from 16 clients: each worker gets records every few microseconds while the others'
  // watermarks lag up to a tick behind, the case where waiting could deadlock.
  expectSameRecordsWithBound(floodCapture(dir, "dns-random", 8000), dir, 8);
}

TEST(OutputQueue, ABadBoundIsRefusedNamingTheKey) {
  const std::string dir = tempDir();
  const std::string pcap = floodCapture(dir, "host-sweep", 10);
  std::string out;
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + configWithBound(dir, 0) + "'", &out), 1);
  EXPECT_NE(out.find("output.max-queued-records"), std::string::npos) << out;
}

TEST(OutputQueue, LiveInterfaceDropsOverTheBoundAndCountsEveryDrop) {
  MAMORI_REQUIRE_ROOT();
  const std::string dir = tempDir();
  const std::string pcap = floodCapture(dir, "dns-random", 20000);
  // What the capture holds: every flow and DNS record, none dropped.
  ASSERT_EQ(runMamori(pcap, dir + "/file.json", "--workers 1"), 0);
  EveLog file_log = EveLog::load(dir + "/file.json");
  const size_t file_records = file_log.ofType("flow").size() + file_log.ofType("dns").size();
  ASSERT_EQ(file_log.ofType("dns").size(), 40000u);

  VethNamespace ns;
  ASSERT_TRUE(ns.ok());
  const int port = freeTcpPort();
  int pid = ns.startSensor("--workers 1 --eve '" + dir + "/live.json' --config '" + configWithBound(dir, 1) + "'",
                           dir + "/live.out", port);
  ASSERT_GT(pid, 0) << readFile(dir + "/live.out");
  auto replay = run(ns.exec("tcpreplay -q -i veth-feed --topspeed '" + pcap + "' 2>&1"));
  ASSERT_EQ(replay.exit_code, 0) << replay.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  auto metrics = run(ns.exec("curl -sf " + VethNamespace::metricsUrl(port)));
  ASSERT_EQ(metrics.exit_code, 0);
  EXPECT_NE(metrics.out.find("mamori_output_queue_dropped_total{"), std::string::npos);
  EXPECT_EQ(metrics.out.find("mamori_output_queue_dropped_total{sensor=\"" + hostName() + "\"} 0\n"), std::string::npos)
      << "a live sensor with room for one record dropped none of 40,000 at top speed";
  VethNamespace::stopSensor(pid);

  EveLog live_log = EveLog::load(dir + "/live.json");
  const auto* stats = live_log.lastStats();
  ASSERT_NE(stats, nullptr) << readFile(dir + "/live.out");
  const int64_t dropped = EveLog::number(*stats, "stats.output.queue_dropped");
  EXPECT_GT(dropped, 0);
  EXPECT_EQ(EveLog::number(*stats, "stats.output.queue_waits"), 0) << "a live worker never waits";
  const size_t live_records = live_log.ofType("flow").size() + live_log.ofType("dns").size();
  EXPECT_GT(live_records, 0u);
  if (EveLog::number(*stats, "stats.capture.kernel_drops") == 0 &&
      EveLog::number(*stats, "stats.decoder.pkts") == EveLog::number(*file_log.lastStats(), "stats.decoder.pkts")) {
    EXPECT_EQ(live_records + size_t(dropped), file_records) << "every record is written or counted as dropped";
  } else {
    std::printf("the kernel dropped packets of the replay: the exact accounting is not checked\n");
  }
}

}  // namespace
}  // namespace mamori::test
