// The demo's attack story, as mamori reports it with the default rules: exactly the alerts
// and incidents docs/demo.md lists, and one incident telling the intrusion's stages in the
// order they happened. A change to the capture, the rules or the engine that alters what
// an analyst would see shows up here.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

const char* const kAttacker = "203.0.113.66";
const char* const kWebServer = "192.168.10.80";
const char* const kC2 = "198.51.100.77";

class DemoStory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = tempDir();
    const std::string pcap = dir + "/office.pcap";
    ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "' >/dev/null").exit_code, 0);
    ASSERT_EQ(runMamori(pcap, dir + "/eve.json"), 0);
    log_ = new EveLog(EveLog::load(dir + "/eve.json"));
  }
  static void TearDownTestSuite() {
    delete log_;
    log_ = nullptr;
  }

  // Each incident's last record, by rule and title.
  static std::map<std::pair<std::string, std::string>, const rapidjson::Value*> finalIncidents() {
    std::map<int64_t, const rapidjson::Value*> latest;
    for (const auto* i : log_->ofType("incident")) latest[EveLog::number(*i, "incident.id")] = i;
    std::map<std::pair<std::string, std::string>, const rapidjson::Value*> out;
    for (const auto& [id, i] : latest) {
      out[{EveLog::string(*i, "incident.rule"), EveLog::string(*i, "incident.title")}] = i;
    }
    return out;
  }

  // The first alert raised by any of `sids`, in packet time.
  static int64_t firstAlert(const std::set<int64_t>& sids) {
    int64_t first = -1;
    for (const auto* a : log_->ofType("alert")) {
      if (!sids.count(EveLog::number(*a, "alert.signature_id"))) continue;
      const int64_t ts = EveLog::parseTime(EveLog::string(*a, "timestamp"));
      if (first < 0 || ts < first) first = ts;
    }
    return first;
  }

  static EveLog* log_;
};

EveLog* DemoStory::log_ = nullptr;

TEST_F(DemoStory, RaisesExactlyTheListedAlerts) {
  std::map<std::pair<int64_t, std::string>, int> alerts;
  for (const auto* a : log_->ofType("alert")) {
    ++alerts[{EveLog::number(*a, "alert.signature_id"), EveLog::string(*a, "src_ip")}];
  }
  const std::map<std::pair<int64_t, std::string>, int> expected = {
      {{9000112, kAttacker}, 2},   // the Nmap Scripting Engine's probes
      {{9000103, kAttacker}, 2},   // Log4Shell, one only in the reassembled stream
      {{9000100, kAttacker}, 3},   // the path traversal: the file read and both shell runs
      {{9000102, kAttacker}, 1},   // /etc/passwd
      {{9000101, kAttacker}, 2},   // the shell runs
      {{9000200, kWebServer}, 1},  // the implant resolves its C2 name
      {{9000201, kWebServer}, 8},  // and beacons
      {{9000202, kWebServer}, 8},
  };
  EXPECT_EQ(alerts, expected);
}

TEST_F(DemoStory, YieldsExactlyTheIncidentsItWasBuiltToProduce) {
  const auto incidents = finalIncidents();
  std::set<std::pair<std::string, std::string>> titles;
  for (const auto& [key, record] : incidents) {
    titles.insert(key);
    EXPECT_EQ(EveLog::string(*record, "incident.state"), "closed") << key.second;  // by the capture's end
  }
  const std::set<std::pair<std::string, std::string>> expected = {
      {"port_scan", "Port scan from 203.0.113.66 to 192.168.10.80"},
      {"alerts_by_host", "Alerts from 203.0.113.66"},
      {"alerts_by_host", "Alerts from 192.168.10.80"},
      {"multi_stage_intrusion", "Multi-stage intrusion (reconnaissance, exploit, command and control) on 192.168.10.80"},
      {"exploit_then_c2", "Exploit followed by command and control on 192.168.10.80"},
      {"beaconing", "Beaconing from 192.168.10.80 to 198.51.100.77 (dest_port 8080)"},
  };
  EXPECT_EQ(titles, expected);

  const auto count = [&](const std::string& rule, const std::string& title) {
    auto it = incidents.find({rule, title});
    return it == incidents.end() ? -1 : EveLog::number(*it->second, "incident.alert_count");
  };
  EXPECT_EQ(count("port_scan", "Port scan from 203.0.113.66 to 192.168.10.80"), 200);  // one flow per probed port
  EXPECT_EQ(count("alerts_by_host", "Alerts from 203.0.113.66"), 10);
  EXPECT_EQ(count("alerts_by_host", "Alerts from 192.168.10.80"), 17);
  EXPECT_EQ(count("beaconing", "Beaconing from 192.168.10.80 to 198.51.100.77 (dest_port 8080)"), 8);
}

TEST_F(DemoStory, TheIntrusionIsOneIncidentWithItsStagesInOrder) {
  const auto incidents = finalIncidents();
  auto it = incidents.find({"multi_stage_intrusion",
                            "Multi-stage intrusion (reconnaissance, exploit, command and control) on 192.168.10.80"});
  ASSERT_NE(it, incidents.end());
  const rapidjson::Value& intrusion = *it->second;

  EXPECT_EQ(EveLog::strings(intrusion, "incident.stages"),
            (std::vector<std::string>{"stage_recon", "stage_exploit", "stage_c2"}));
  // The stages are the order things happened in on the wire.
  const int64_t recon = firstAlert({9000112});
  const int64_t exploit = firstAlert({9000100, 9000101, 9000102, 9000103});
  const int64_t c2 = firstAlert({9000200, 9000201, 9000202});
  ASSERT_GT(recon, 0);
  EXPECT_LT(recon, exploit);
  EXPECT_LT(exploit, c2);
  EXPECT_EQ(EveLog::parseTime(EveLog::string(intrusion, "incident.first_seen")), recon);

  EXPECT_EQ(EveLog::string(intrusion, "incident.source"), kWebServer);
  const std::vector<std::string> hosts = EveLog::strings(intrusion, "incident.hosts");
  for (const char* host : {kWebServer, kAttacker, kC2}) {
    EXPECT_NE(std::find(hosts.begin(), hosts.end(), host), hosts.end()) << host;
  }
  EXPECT_EQ(EveLog::number(intrusion, "incident.alert_count"), 27);  // every alert of the story
  // And it names each of them by its EVE alert.id.
  std::vector<uint64_t> alert_ids;
  for (const auto* a : log_->ofType("alert")) alert_ids.push_back(static_cast<uint64_t>(EveLog::number(*a, "alert.id")));
  std::sort(alert_ids.begin(), alert_ids.end());
  std::vector<uint64_t> named;
  for (const auto& id : intrusion["incident"]["alert_ids"].GetArray()) named.push_back(id.GetUint64());
  EXPECT_EQ(named, alert_ids);
  EXPECT_EQ(EveLog::number(intrusion, "incident.severity"), 1);      // critical, from its rule
  EXPECT_EQ(EveLog::strings(intrusion, "incident.tactics"),
            (std::vector<std::string>{"TA0001", "TA0002", "TA0011", "TA0043"}));
  EXPECT_EQ(EveLog::strings(intrusion, "incident.techniques"),
            (std::vector<std::string>{"T1059", "T1071", "T1190", "T1595"}));
}

TEST_F(DemoStory, IncidentsOpenAsTheirStoryUnfolds) {
  // Open records in order of packet time: the scan is seen first, the intrusion once its
  // command-and-control stage begins.
  std::vector<std::string> opened;
  for (const auto* i : log_->ofType("incident")) {
    if (EveLog::string(*i, "incident.state") == "open") opened.push_back(EveLog::string(*i, "incident.rule"));
  }
  ASSERT_EQ(opened.size(), 6u);
  auto position = [&](const std::string& rule) { return std::find(opened.begin(), opened.end(), rule) - opened.begin(); };
  EXPECT_LT(position("port_scan"), position("multi_stage_intrusion"));
  EXPECT_LT(position("multi_stage_intrusion"), position("beaconing"));
  EXPECT_EQ(opened.back(), "beaconing");  // its eighth connection is the last in the capture
}

}  // namespace
}  // namespace mamori::test
