// The GSOC central with real processes: `mamori central`, sensors (`mamori run --pcap` with a
// `central` section) reporting to it over CURVE, keys made by `mamori keys generate`, corpus
// captures. What each sensor sent is in the central's EVE file exactly once; keys that are
// not on an allowlist, and plain connections, get nothing and are counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <zmq.hpp>

#include "auth/curve_key.h"
#include "tests/integration/eve_log.h"
#include "tools/demogen/campaign_facts.h"
#include "tests/integration/gsoc_lab.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The value of a metric line "NAME{LABELS} VALUE" (LABELS as written, "" for none); -1 when absent.
double metric(const std::string& text, const std::string& name, const std::string& labels = "") {
  const std::string head = labels.empty() ? name + " " : name + "{" + labels + "} ";
  for (size_t at = 0; (at = text.find(head, at)) != std::string::npos; at += head.size()) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + head.size()));
  }
  return -1;
}

TEST(Central, TwoSensorsReportExactlyWhatEachWroteItself) {
  MAMORI_REQUIRE_SHARED();
  GsocLab lab(tempDir());
  lab.configureCentral({"sensor-a", "sensor-b"});
  lab.sensorConfig("sensor-a");
  // sensor-b also sends its flow and app records: what goes to the central is per sensor.
  lab.sensorConfig("sensor-b", "  records: [alert, incident, stats, flow, http, dns, tls, ssh]\n");
  ASSERT_TRUE(lab.startCentral()) << lab.centralLog();

  const std::string a = sharedDir() + "/corpus/ndpi/log4j-webapp-exploit.pcap";
  const std::string b = sharedDir() + "/corpus/ndpi/WebattackRCE.pcap";
  std::string log_a, log_b;
  std::thread first([&] { EXPECT_EQ(lab.runSensor("sensor-a", a, "", &log_a), 0) << log_a; });
  EXPECT_EQ(lab.runSensor("sensor-b", b, "", &log_b), 0) << log_b;
  first.join();
  // The runs end once the central has acknowledged everything; the stats record it
  // writes at its end makes sure the last batch is on disk too.
  lab.killCentral(SIGTERM);

  const auto sent = [&](const std::string& sensor, const std::vector<std::string>& types) {
    return sorted(eveLines(lab.sensorEve(sensor), sensor, types));
  };
  const std::vector<std::string> defaults{"alert", "incident", "stats"};
  const std::vector<std::string> everything{"alert", "incident", "stats", "flow", "http", "dns", "tls", "ssh"};
  const auto a_sent = sent("sensor-a", defaults);
  const auto b_sent = sent("sensor-b", everything);
  ASSERT_FALSE(a_sent.empty());
  EXPECT_GT(EveLog::load(lab.sensorEve("sensor-a")).ofType("alert").size(), 0u) << "the capture's exploit alerts";
  EXPECT_EQ(sorted(eveLines(lab.centralEve(), "sensor-a", everything)), a_sent)
      << "the central holds sensor-a's alerts, incidents and stats, and nothing else of it";
  EXPECT_EQ(sorted(eveLines(lab.centralEve(), "sensor-b", everything)), b_sent);
  const auto counts = eveCounts(lab.centralEve());
  EXPECT_GT(counts.count({"sensor-b", "flow"}) ? counts.at({"sensor-b", "flow"}) : 0, 0u);
  EXPECT_EQ(counts.count({"sensor-a", "flow"}), 0u);

  // Both sensors' incidents are in the central's store under their sensor's name.
  EveLog eve_a = EveLog::load(lab.sensorEve("sensor-a"));
  std::set<int64_t> ids;
  for (const auto* inc : eve_a.ofType("incident")) ids.insert(EveLog::number(*inc, "incident.id"));
  ASSERT_FALSE(ids.empty());
  auto listed = run(mamoriBinary() + " incidents list --db '" + lab.centralStore() +
                    "' --state all --sensor sensor-a --json");
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  size_t n = 0;
  for (size_t at = 0; (at = listed.out.find("\"event_type\":\"incident\"", at)) != std::string::npos; ++at) ++n;
  EXPECT_EQ(n, ids.size());

  // The sensors' stats say what went through their spools (the final record is written
  // before the run waits for the central to take the rest, so it counts the records
  // spooled by then).
  const auto* stats = eve_a.lastStats();
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(EveLog::number(*stats, "stats.central.dropped"), 0);
  EXPECT_GE(EveLog::number(*stats, "stats.central.spooled") + EveLog::number(*stats, "stats.central.sent"), 0);
}

TEST(Central, KeysNotOnAnAllowlistAndPlainConnectionsGetNothingAndAreCounted) {
  MAMORI_REQUIRE_SHARED();
  GsocLab lab(tempDir());
  lab.configureCentral({"sensor-a"}, {"alice"}, {"siem"});
  lab.sensorConfig("sensor-a");
  lab.sensorConfig("stranger", "  drain-timeout: 3\n");  // a sensor key the central does not list
  lab.key("mallory");                        // neither author nor subscriber
  lab.key("sensor-b");
  ASSERT_TRUE(lab.startCentral()) << lab.centralLog();
  const std::string pcap = sharedDir() + "/corpus/ndpi/log4j-webapp-exploit.pcap";

  // A sensor the central does not know: the handshake fails, its records stay in its spool.
  std::string log;
  EXPECT_EQ(lab.runSensor("stranger", pcap, "", &log), 0) << "a sensor never waits on the central: " << log;
  EXPECT_NE(log.find("has not taken every record"), std::string::npos) << log;
  // A listed key under another sensor's name: refused at HELLO.
  {
    std::ofstream(lab.dir() + "/imposter.yaml")
        << "sensor:\n  name: sensor-b\ncentral:\n  endpoint: " << lab.endpoint()
        << "\n  server-key: keys/central.pub\n  key: keys/sensor-a.key\n  spool-dir: imposter/spool\n"
        << "  rules-dir: imposter/rules\n  drain-timeout: 3\n";
    auto r = run(mamoriBinary() + " run --pcap '" + pcap + "' --config '" + lab.dir() + "/imposter.yaml' 2>&1");
    EXPECT_NE(r.out.find("central refused this sensor"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("belongs to sensor 'sensor-a'"), std::string::npos) << r.out;
  }
  // An author key not on the list: CURVE gives no answer.
  std::string out;
  EXPECT_EQ(lab.rules("mallory", "status --timeout 3", &out), 2) << out;
  EXPECT_NE(out.find("no answer from the central"), std::string::npos) << out;
  EXPECT_EQ(lab.rules("alice", "status --timeout 10", &out), 0) << out;
  // A plain ZeroMQ client, no CURVE at all.
  {
    zmq::context_t context(1);
    zmq::socket_t plain(context, zmq::socket_type::dealer);
    plain.set(zmq::sockopt::linger, 0);
    plain.connect(lab.endpoint());
    plain.send(zmq::str_buffer("HELLO"), zmq::send_flags::dontwait);
    zmq::message_t reply;
    plain.set(zmq::sockopt::rcvtimeo, 1500);
    EXPECT_FALSE(plain.recv(reply)) << "a plain connection gets nothing";
  }
  // Subscribers: the listed one hears the sensor's records, mallory and a plain one nothing.
  auto tail = [&](const std::string& args, const std::string& file) {
    return std::thread([&lab, args, file] {
      run("timeout 8 " + mamoriBinary() + " tail --connect " + lab.busEndpoint() + " " + args + " > '" + lab.dir() +
          "/" + file + "' 2>&1");
    });
  };
  std::thread siem = tail("--server-key '" + lab.publicKey("central") + "' --key '" + lab.key("siem") + "'", "siem.out");
  std::thread evil = tail("--server-key '" + lab.publicKey("central") + "' --key '" + lab.key("mallory") + "'", "mallory.out");
  std::thread naked = tail("", "plain.out");
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(lab.runSensor("sensor-a", pcap, "", &log), 0) << log;
  siem.join();
  evil.join();
  naked.join();
  EXPECT_NE(readFile(lab.dir() + "/siem.out").find("\"host\":\"sensor-a\""), std::string::npos);
  EXPECT_EQ(readFile(lab.dir() + "/mallory.out").find("\"host\""), std::string::npos);
  EXPECT_EQ(readFile(lab.dir() + "/plain.out").find("\"host\""), std::string::npos);

  const std::string metrics = lab.metrics();
  EXPECT_GE(metric(metrics, "mamori_central_refused_connections_total", "reason=\"key\""), 2)
      << "the stranger sensor and mallory the author: " << metrics;
  EXPECT_GE(metric(metrics, "mamori_central_refused_connections_total", "reason=\"protocol\""), 1) << metrics;
  EXPECT_GE(metric(metrics, "mamori_central_refused_connections_total", "reason=\"hello\""), 1) << metrics;
  EXPECT_GE(metric(metrics, "mamori_central_bus_refused_connections_total", "reason=\"key\""), 1) << metrics;
  EXPECT_GE(metric(metrics, "mamori_central_bus_refused_connections_total", "reason=\"protocol\""), 1) << metrics;
  // Refusals are logged with the key's fingerprint, never the key.
  const std::string central_log = lab.centralLog();
  const std::string mallory = readPublicKey(lab.publicKey("mallory"));
  EXPECT_NE(central_log.find(keyFingerprint(mallory)), std::string::npos) << central_log;
  EXPECT_EQ(central_log.find(mallory), std::string::npos) << "no key in the log";
  EXPECT_NE(central_log.find(keyFingerprint(readPublicKey(lab.publicKey("stranger")))), std::string::npos);
  lab.killCentral(SIGTERM);
  EXPECT_TRUE(eveLines(lab.centralEve(), "stranger", {"alert", "stats", "incident"}).empty());
  EXPECT_TRUE(eveLines(lab.centralEve(), "sensor-b", {"alert", "stats", "incident"}).empty());
}

TEST(Central, TheExampleConfigurationIsValidAndMistakesAreNamed) {
  const std::string dir = tempDir();
  std::filesystem::copy_file(sourceDir() + "/docs/central.example.yaml", dir + "/central.yaml");
  for (const char* name : {"central", "tokyo-dc1", "osaka-branch", "alice", "siem"}) {
    ASSERT_EQ(run(mamoriBinary() + " keys generate --out '" + dir + "/keys' --name " + name + " >/dev/null").exit_code, 0);
  }
  auto ok = run(mamoriBinary() + " central --config '" + dir + "/central.yaml' --check 2>&1");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("2 sensor(s), 1 author(s), 1 subscriber(s)"), std::string::npos) << ok.out;

  auto bad = [&](const std::string& from, const std::string& to) {
    std::string text = readFile(dir + "/central.yaml");
    text.replace(text.find(from), from.size(), to);
    std::ofstream(dir + "/bad.yaml") << text;
    return run(mamoriBinary() + " central --config '" + dir + "/bad.yaml' --check 2>&1");
  };
  auto typo = bad("  listen:", "  lissten:");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.out.find("bad.yaml:5: central.lissten: unknown key"), std::string::npos) << typo.out;
  auto missing_key = bad("keys/osaka-branch.pub", "keys/nobody.pub");
  EXPECT_EQ(missing_key.exit_code, 1);
  EXPECT_NE(missing_key.out.find("sensors.key"), std::string::npos) << missing_key.out;
  auto twice = bad("keys/osaka-branch.pub", "keys/tokyo-dc1.pub");
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.out.find("already on a list"), std::string::npos) << twice.out;
  auto secret_in_view = bad("key: keys/central.key", "key: keys/central.pub");
  EXPECT_EQ(secret_in_view.exit_code, 1) << "the central's own key needs its secret half: " << secret_in_view.out;
}

// The last record of each incident the central raised itself (host = its name).
std::map<int64_t, const rapidjson::Value*> centralIncidents(const EveLog& eve) {
  std::map<int64_t, const rapidjson::Value*> out;
  for (const auto* inc : eve.ofType("incident")) {
    if (EveLog::string(*inc, "host") == "central-1") out[EveLog::number(*inc, "incident.id")] = inc;
  }
  return out;
}

TEST(Central, OneAttackerAtTwoSitesIsOneCampaignAndOneSharedIndicatorNamingBothSensors) {
  namespace campaign = demogen::campaign;
  const std::string dir = tempDir();
  const std::string whole = dir + "/campaign.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --scenario campaign --out '" + whole + "'").exit_code, 0);
  for (const auto* site : {&campaign::kSiteA, &campaign::kSiteB}) {
    ASSERT_EQ(run(std::string("tshark -r '") + whole + "' -Y 'ip.addr==" + site->network + "' -w '" + dir + "/" +
                  site->name + ".pcap' 2>&1").exit_code, 0);
  }

  // Both sites report to one central.
  {
    GsocLab lab(dir + "/both");
    lab.configureCentral({"site-a", "site-b"});
    lab.sensorConfig("site-a");
    lab.sensorConfig("site-b");
    ASSERT_TRUE(lab.startCentral()) << lab.centralLog();
    std::string log;
    ASSERT_EQ(lab.runSensor("site-a", dir + "/site-a.pcap", "", &log), 0) << log;
    ASSERT_EQ(lab.runSensor("site-b", dir + "/site-b.pcap", "", &log), 0) << log;
    lab.killCentral(SIGTERM);
    EveLog eve = EveLog::load(lab.centralEve());
    const auto mine = centralIncidents(eve);
    std::vector<const rapidjson::Value*> campaigns, shared;
    std::string seen;
    for (const auto& [id, inc] : mine) {
      const std::string rule = EveLog::string(*inc, "incident.rule");
      seen += rule + ": " + EveLog::string(*inc, "incident.title") + "\n";
      if (rule == "campaign") campaigns.push_back(inc);
      if (rule == "shared_c2_address") shared.push_back(inc);
    }
    ASSERT_EQ(campaigns.size(), 1u) << seen;
    EXPECT_EQ(EveLog::string(*campaigns[0], "incident.source"), campaign::kAttacker);
    EXPECT_EQ(EveLog::strings(*campaigns[0], "incident.sensors"), (std::vector<std::string>{"site-a", "site-b"}));
    const auto hosts = EveLog::strings(*campaigns[0], "incident.hosts");
    for (const char* server : {campaign::kSiteA.webServer, campaign::kSiteB.webServer}) {
      EXPECT_NE(std::find(hosts.begin(), hosts.end(), server), hosts.end()) << server << " in the campaign's hosts";
    }
    EXPECT_NE(EveLog::string(*campaigns[0], "incident.title").find(campaign::kAttacker), std::string::npos);
    ASSERT_EQ(shared.size(), 1u) << seen;
    EXPECT_EQ(EveLog::string(*shared[0], "incident.source"), campaign::kC2);
    EXPECT_EQ(EveLog::strings(*shared[0], "incident.sensors"), (std::vector<std::string>{"site-a", "site-b"}));
    EXPECT_EQ(mine.size(), 2u) << "the single-site scanner and backup service raise nothing here:\n" << seen;
    // The central keeps its own incidents in its store, under its name.
    auto listed = run(mamoriBinary() + " incidents list --db '" + lab.centralStore() + "' --state all --sensor central-1");
    EXPECT_NE(listed.out.find("Campaign across sensors"), std::string::npos) << listed.out;
  }
  // One site alone: its own incidents reach the central, and no cross-sensor one is raised.
  {
    GsocLab lab(dir + "/one");
    lab.configureCentral({"site-a", "site-b"});
    lab.sensorConfig("site-a");
    ASSERT_TRUE(lab.startCentral()) << lab.centralLog();
    std::string log;
    ASSERT_EQ(lab.runSensor("site-a", whole, "", &log), 0) << "even with both sites on its tap: " << log;
    lab.killCentral(SIGTERM);
    EveLog eve = EveLog::load(lab.centralEve());
    EXPECT_TRUE(centralIncidents(eve).empty()) << "one sensor is never a campaign";
    EXPECT_FALSE(eveLines(lab.centralEve(), "site-a", {"incident"}).empty());
  }
}

}  // namespace
}  // namespace mamori::test
