// The sensor's bus under CURVE, through the binaries: `mamori tail` with an allowed key
// hears the whole run, one with another key and a plain one hear nothing, and the sensor
// logs and counts both refusals. An open bus off loopback, and bad bus keys, stop start-up.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "alerting/bus_publisher.h"
#include "auth/curve_key.h"
#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

using namespace std::chrono_literals;

size_t lineCount(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

std::string demoPcap(const std::string& dir) {
  std::string pcap = dir + "/office.pcap";
  EXPECT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  return pcap;
}

void generateKeys(const std::string& dir, const std::string& name) {
  ASSERT_EQ(run(mamoriBinary() + " keys generate --out '" + dir + "/keys' --name " + name + " >/dev/null").exit_code, 0);
}

// `mamori tail ARGS > OUT` in the background; its pid.
int startTail(const std::string& args, const std::string& out) {
  return std::stoi(run(mamoriBinary() + " tail " + args + " > '" + out + "' 2>&1 & echo $!").out);
}

void stopTail(int pid) { run("kill -TERM " + std::to_string(pid) + "; sleep 0.3"); }

TEST(BusSecurityRun, OnlyAnAllowedTailHearsTheRunAndRefusalsAreLoggedAndCounted) {
  const std::string dir = tempDir();
  const std::string pcap = demoPcap(dir);
  for (const char* name : {"sensor", "siem", "rogue"}) generateKeys(dir, name);
  std::ofstream(dir + "/mamori.yaml") << "bus:\n"
                                         "  key: keys/sensor.key\n"
                                         "  subscribers:\n"
                                         "    - name: siem\n"
                                         "      key: keys/siem.pub\n";
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(freeTcpPort());
  const std::string connect = "--connect " + endpoint + " ";
  int allowed = startTail(connect + "--server-key '" + dir + "/keys/sensor.pub' --key '" + dir + "/keys/siem.key'",
                          dir + "/allowed.out");
  int rogue = startTail(connect + "--server-key '" + dir + "/keys/sensor.pub' --key '" + dir + "/keys/rogue.key'",
                        dir + "/rogue.out");
  int plain = startTail(connect, dir + "/plain.out");
  std::this_thread::sleep_for(200ms);

  std::string out;
  // The run waits for the allowed tail however long it takes to start (up to 10 s).
  int rc = runMamori(pcap, dir + "/eve.json",
                     "--workers 2 --bus-wait-ms 10000 --config '" + dir + "/mamori.yaml' --bus " + endpoint, &out);
  std::this_thread::sleep_for(500ms);
  for (int pid : {allowed, rogue, plain}) stopTail(pid);
  ASSERT_EQ(rc, 0) << out;

  EveLog log = EveLog::load(dir + "/eve.json");
  ASSERT_FALSE(log.ofType("alert").empty());
  EXPECT_EQ(lineCount(readFile(dir + "/allowed.out")), lineCount(readFile(dir + "/eve.json")))
      << "the allowed subscriber missed records";
  EXPECT_EQ(readFile(dir + "/plain.out"), "");
  const CurveKeyPair rogue_keys = readSecretKeyFile(dir + "/keys/rogue.key");
  // The refused tail printed no record, and said why it stopped.
  EXPECT_EQ(readFile(dir + "/rogue.out"), "mamori tail: " + endpoint + " refused our key " +
                                              keyFingerprint(rogue_keys.public_key) +
                                              ": it is not on that bus's allowlist (bus.subscribers)\n");

  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);
  EXPECT_GE(EveLog::number(*stats, "stats.bus.refused"), 2) << "a key refusal and a protocol refusal at least";

  EXPECT_NE(out.find("mamori: refused bus connection from 127.0.0.1: key " + keyFingerprint(rogue_keys.public_key) +
                     " is not on the allowlist"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("mamori: bus: refused a connection that does not speak CURVE"), std::string::npos) << out;
  for (const char* name : {"sensor", "siem", "rogue"}) {
    const CurveKeyPair keys = readSecretKeyFile(dir + "/keys/" + name + ".key");
    EXPECT_EQ(out.find(keys.public_key), std::string::npos) << name << "'s key was logged";
    EXPECT_EQ(out.find(keys.secret_key), std::string::npos) << name << "'s key was logged";
  }
}

TEST(BusSecurityRun, OpenBusOffLoopbackIsRefusedAtStartUp) {
  const std::string dir = tempDir();
  const std::string pcap = demoPcap(dir);
  for (const std::string ep : {"tcp://0.0.0.0:" + std::to_string(freeTcpPort()), std::string("tcp://*:5556")}) {
    std::string out;
    EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--bus '" + ep + "'", &out), 1) << out;
    EXPECT_NE(out.find("--bus " + ep + " is reachable from other machines"), std::string::npos) << out;
    EXPECT_NE(out.find("set bus.key"), std::string::npos) << out;
    EXPECT_FALSE(std::filesystem::exists(dir + "/eve.json")) << "the run went ahead";
  }
}

TEST(BusSecurityRun, BadBusConfigurationStopsStartUpNamingTheKey) {
  const std::string dir = tempDir();
  const std::string pcap = demoPcap(dir);
  generateKeys(dir, "sensor");
  generateKeys(dir, "siem");
  std::filesystem::copy_file(dir + "/keys/sensor.key", dir + "/keys/open.key");
  std::filesystem::permissions(dir + "/keys/open.key", std::filesystem::perms(0644));
  struct Case {
    std::string yaml, expected;
  };
  const std::string cfg = dir + "/mamori.yaml";
  const Case cases[] = {
      {"bus:\n  key: keys/missing.key\n", cfg + ":2: bus.key: " + dir + "/keys/missing.key: cannot read the key file"},
      {"bus:\n  key: keys/open.key\n", cfg + ":2: bus.key: " + dir + "/keys/open.key: the secret key file is open to group or others"},
      {"bus:\n  key: keys/siem.pub\n", cfg + ":2: bus.key: " + dir + "/keys/siem.pub: holds no secret key"},
      {"bus:\n  key: keys/sensor.key\n  subscribers:\n    - name: siem\n      key: keys/nope.pub\n",
       cfg + ":5: bus.subscribers[0].key: no such key file"},
      {"bus:\n  key: keys/sensor.key\n  subscribers:\n    - key: keys/siem.pub\n",
       cfg + ":4: bus.subscribers[0].name: each subscriber needs a name"},
      {"bus:\n  key: keys/sensor.key\n  subscribers:\n    - name: a\n      key: keys/siem.pub\n    - name: b\n      key: keys/siem.pub\n",
       cfg + ":6: bus.subscribers[1].key: the same key as subscriber 'a'"},
      {"bus:\n  subscribers:\n    - name: siem\n      key: keys/siem.pub\n", cfg + ":2: bus.key: bus.subscribers needs the bus's own key pair"},
      {"bus:\n  key: keys/sensor.key\n  subscribers: keys/siem.pub\n", cfg + ":3: bus.subscribers: expected a list"},
      {"bus:\n  keys: keys/sensor.key\n", cfg + ":2: bus.keys: unknown key"},
  };
  for (const Case& c : cases) {
    std::ofstream(cfg) << c.yaml;
    std::string out;
    EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + cfg + "' --bus tcp://127.0.0.1:*", &out), 1) << c.yaml;
    EXPECT_NE(out.find("mamori: configuration error: " + c.expected), std::string::npos) << c.yaml << "\n" << out;
  }
  // A literal key works as well as a file.
  const std::string siem = readKeyFile(dir + "/keys/siem.pub").public_key;
  std::ofstream(cfg) << "bus:\n  key: keys/sensor.key\n  subscribers:\n    - name: siem\n      key: \"" << siem << "\"\n";
  std::string out;
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + cfg + "' --bus tcp://127.0.0.1:*", &out), 0) << out;
}

TEST(BusSecurityRun, TailPrintsNoTerminalControlCharacters) {
  char folder[] = "/tmp/mamori-tail-XXXXXX";  // short: an ipc path must fit sun_path
  ASSERT_NE(::mkdtemp(folder), nullptr);
  const std::string endpoint = std::string("ipc://") + folder + "/bus";
  const std::string out = tempDir() + "/tail.out";
  BusPublisher pub(endpoint);
  int pid = startTail("--connect " + endpoint, out);
  ASSERT_TRUE(pub.waitForSubscribers(1, 10s));
  // What a hostile packet could put in a record's string: set the terminal's title, clear
  // the screen, return to the line's start, ring; and a UTF-8 CSI (U+009B).
  pub.publish(EventKind::Http, "{\"host\":\"a\x1b]0;pwned\x07\x1b[2J\rb\x7f\xc2\x9b" "31m\",\"ok\":\"caf\xc3\xa9\"}");
  std::this_thread::sleep_for(500ms);
  stopTail(pid);
  std::filesystem::remove_all(folder);
  const std::string printed = readFile(out);
  EXPECT_EQ(printed,
            "{\"host\":\"a\\u001b]0;pwned\\u0007\\u001b[2J\\u000db\\u007f\\u009b31m\",\"ok\":\"caf\xc3\xa9\"}\n");
}

TEST(BusSecurityRun, TailWithTheWrongServerKeySaysSoAndKeepsTrying) {
  const std::string dir = tempDir();
  generateKeys(dir, "siem");
  generateKeys(dir, "impostor");
  BusPublisherOptions options;
  const CurveKeyPair siem = readSecretKeyFile(dir + "/keys/siem.key");
  options.security = BusSecurity{generateCurveKeyPair("sensor"), {{"siem", siem.public_key}}};
  BusPublisher pub("tcp://127.0.0.1:*", options);
  const std::string out = dir + "/tail.out";
  int pid = startTail("--connect " + pub.endpoint() + " --server-key '" + dir + "/keys/impostor.pub' --key '" + dir +
                          "/keys/siem.key'",
                      out);
  std::this_thread::sleep_for(1500ms);
  pub.publish(EventKind::Alert, "{}");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(run("kill -0 " + std::to_string(pid) + " 2>/dev/null").exit_code, 0) << "tail gave up";
  stopTail(pid);
  EXPECT_EQ(readFile(out), "mamori tail: the CURVE handshake with " + pub.endpoint() +
                               " failed (still trying): is --server-key that bus's key, and does the bus have bus.key "
                               "set?\n");
}

TEST(BusSecurityRun, TailWithAServerKeyNeedsItsOwnKey) {
  const std::string dir = tempDir();
  generateKeys(dir, "sensor");
  CommandResult r = run(mamoriBinary() + " tail --connect tcp://127.0.0.1:1 --server-key '" + dir +
                        "/keys/sensor.pub' 2>&1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("--key"), std::string::npos) << r.out;
  r = run(mamoriBinary() + " tail --connect tcp://127.0.0.1:1 --server-key '" + dir + "/keys/sensor.pub' --key '" +
          dir + "/keys/sensor.pub' 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("holds no secret key"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mamori::test
