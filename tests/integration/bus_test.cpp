// The bus is real: a subscriber connected before a pcap run starts receives every alert,
// incident, flow and stats record of the run, the same ones the EVE file holds.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "alerting/bus_subscriber.h"
#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(Bus, SubscriberReceivesEveryRecordOfARun) {
  std::string dir = tempDir();
  std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  std::string endpoint = "ipc://" + dir + "/bus.sock";

  BusSubscriber sub;
  sub.connect(endpoint);
  sub.subscribe("");
  std::map<std::string, std::vector<std::string>> got;
  std::atomic<bool> done{false};
  std::thread receiver([&] {
    // Keep listening a little after the run ends: the publisher lingers to deliver.
    auto quiet_since = std::chrono::steady_clock::now();
    while (!done.load() || std::chrono::steady_clock::now() - quiet_since < std::chrono::seconds(1)) {
      auto msg = sub.receive(std::chrono::milliseconds(100));
      if (msg) {
        got[msg->first].push_back(msg->second);
        quiet_since = std::chrono::steady_clock::now();
      }
    }
  });
  std::string out;
  int rc = runMamori(pcap, dir + "/eve.json", "--workers 2 --bus " + endpoint, &out);
  done.store(true);
  receiver.join();
  ASSERT_EQ(rc, 0) << out;

  EveLog log = EveLog::load(dir + "/eve.json");
  ASSERT_FALSE(log.ofType("alert").empty());
  ASSERT_FALSE(log.ofType("incident").empty());
  EXPECT_EQ(got["alert"].size(), log.ofType("alert").size());
  EXPECT_EQ(got["incident"].size(), log.ofType("incident").size());
  EXPECT_EQ(got["flow"].size(), log.ofType("flow").size());
  EXPECT_EQ(got["stats"].size(), log.ofType("stats").size());
  // The bus carries the same EVE objects, topic = event_type.
  for (const auto& [topic, msgs] : got) {
    for (const auto& m : msgs) {
      rapidjson::Document d;
      d.Parse(m.c_str());
      ASSERT_FALSE(d.HasParseError()) << m;
      EXPECT_EQ(std::string(d["event_type"].GetString()), topic);
    }
  }
}

TEST(Bus, TailPrintsWhatTheSensorPublishes) {
  std::string dir = tempDir();
  std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  std::string endpoint = "ipc://" + dir + "/tail.sock";
  std::string tail_out = dir + "/tail.out";
  // `mamori tail` subscribed to alerts only, stopped by SIGTERM after the run.
  std::string cmd = mamoriBinary() + " tail --connect " + endpoint + " --topic alert > '" + tail_out + "' 2>&1 & echo $!";
  auto started = run(cmd);
  int pid = std::stoi(started.out);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(runMamori(pcap, dir + "/eve.json", "--bus " + endpoint), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  run("kill -TERM " + std::to_string(pid) + "; sleep 0.3");
  std::string printed = readFile(tail_out);
  size_t lines = std::count(printed.begin(), printed.end(), '\n');
  EveLog log = EveLog::load(dir + "/eve.json");
  EXPECT_EQ(lines, log.ofType("alert").size()) << printed;
  EXPECT_EQ(printed.find("\"event_type\":\"flow\""), std::string::npos) << "--topic alert filters";
}

}  // namespace
}  // namespace mamori::test
