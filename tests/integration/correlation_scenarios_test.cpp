// Each default correlation rule fires on the scenario capture built for it
// (docs/scenarios.md), with the group and the evidence the scenario planted, and nothing else
// fires: the scenarios' near misses (a few random-looking DNS names, twenty pings, four
// mistyped passwords, the 401 before Basic authentication) stay below the rules' edges.
#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/closed_incidents.h"
#include "tests/integration/eve_log.h"
#include "tests/integration/workers_comparison.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// Shannon entropy of the first label, bits per character: the measure docs/correlation.md
// gives for dns.rrname.entropy, computed here on its own.
double firstLabelEntropy(const std::string& name) {
  const std::string label = name.substr(0, name.find('.'));
  std::array<int, 256> counts{};
  for (unsigned char c : label) ++counts[std::tolower(c)];
  double bits = 0;
  for (int n : counts) {
    if (n == 0) continue;
    const double p = static_cast<double>(n) / static_cast<double>(label.size());
    bits -= p * std::log2(p);
  }
  return bits;
}

std::string scenarioCapture(const std::string& scenario) {
  const std::string pcap = tempDir() + "/" + scenario + ".pcap";
  const CommandResult r =
      run(binaryDir() + "/tools/mamori-demogen --scenario " + scenario + " --out '" + pcap + "' >/dev/null");
  EXPECT_EQ(r.exit_code, 0) << "mamori-demogen --scenario " << scenario;
  return pcap;
}

class CorrelationScenarios : public ::testing::Test {
 protected:
  // Generates the scenario and runs mamori over it with the default rules.
  void runScenario(const std::string& scenario) {
    const std::string pcap = scenarioCapture(scenario);
    const std::string eve = tempDir() + "/" + scenario + ".json";
    std::string output;
    ASSERT_EQ(runMamori(pcap, eve, "", &output), 0) << output;
    log_ = EveLog::load(eve);
    ASSERT_EQ(log_.badLines(), 0u);
    incidents_ = closedIncidents(log_);
  }

  const ClosedIncident* find(const std::string& title) const { return findByTitle(incidents_, title); }
  std::multiset<std::pair<std::string, std::string>> seen() const { return rulesAndTitles(incidents_); }

  EveLog log_;
  std::vector<ClosedIncident> incidents_;
};

TEST_F(CorrelationScenarios, HostSweepFindsTheSmbAndPingSweepsButNotTheMonitoring) {
  ASSERT_NO_FATAL_FAILURE(runScenario("host-sweep"));
  const std::multiset<std::pair<std::string, std::string>> expected = {
      {"host_sweep", "Host sweep from 192.168.10.23 (dest_port 445)"},
      // ICMP flows have no ports: EVE and the rules see dest_port 0, so a ping sweep is
      // a group of its own, apart from every TCP port.
      {"host_sweep", "Host sweep from 192.168.10.23 (dest_port 0)"},
  };
  EXPECT_EQ(seen(), expected) << describe(incidents_);

  for (int64_t port : {445, 0}) {
    const ClosedIncident* sweep = find("Host sweep from 192.168.10.23 (dest_port " + std::to_string(port) + ")");
    ASSERT_NE(sweep, nullptr) << describe(incidents_);
    EXPECT_EQ(sweep->source, "192.168.10.23");
    // The whole of 192.168.20.0/24: 254 addresses, each one probe flow.
    EXPECT_EQ(sweep->alert_count, 254) << describe(incidents_);
    // Evidence lists are capped (100 hosts a match, docs/correlation.md), so the targets
    // named are a part of the sweep, and only of the sweep.
    EXPECT_GE(sweep->targets.size(), 30u);
    for (const std::string& target : sweep->targets) EXPECT_TRUE(target.starts_with("192.168.20.")) << target;
    // Port 0 is no port: the ICMP incident names none.
    EXPECT_EQ(sweep->dest_ports, port == 0 ? std::vector<int64_t>{} : std::vector<int64_t>{port});
    EXPECT_EQ(sweep->severity, 3);  // medium
  }
}

TEST_F(CorrelationScenarios, BruteForceIsFoundThreeWaysButNotTheAdminOrTheMistypes) {
  ASSERT_NO_FATAL_FAILURE(runScenario("brute-force"));
  const std::string pair = "from 203.0.113.99 to 192.168.10.80";
  const std::string connectionsTitle =
      "Brute force (many short connections to a login service) " + pair + " (dest_port 22)";
  const std::string httpTitle = "Brute force (repeated HTTP authentication refusals) " + pair;
  const std::string alertsTitle = "Brute force (repeated login failure alerts) " + pair + " (alert.signature_id 9000120)";
  const std::multiset<std::pair<std::string, std::string>> expected = {
      {"brute_force_connections", connectionsTitle},
      {"brute_force_http", httpTitle},
      {"brute_force_alerts", alertsTitle},
      {"alerts_by_host", "Alerts from 203.0.113.99"},
  };
  ASSERT_EQ(seen(), expected) << describe(incidents_);

  // 4 tasks x 11 connections (3 passwords each); the administrator's 3 sessions are not
  // among them, nor in any other group.
  const ClosedIncident* ssh = find(connectionsTitle);
  ASSERT_NE(ssh, nullptr);
  EXPECT_EQ(ssh->alert_count, 44) << describe(incidents_);
  EXPECT_EQ(ssh->source, "203.0.113.99");
  EXPECT_EQ(ssh->targets, std::vector<std::string>{"192.168.10.80"});
  EXPECT_EQ(ssh->dest_ports, std::vector<int64_t>{22});

  // 4 keep-alive connections x 8 refused logins; the employee's 4 refusals and the
  // browsers' Basic authentication challenges are other groups, below the threshold.
  const ClosedIncident* http = find(httpTitle);
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->alert_count, 32) << describe(incidents_);
  EXPECT_EQ(http->source, "203.0.113.99");
  EXPECT_EQ(http->dest_ports, std::vector<int64_t>{80});

  // One libssh alert per guessing connection.
  for (const std::string& title : {alertsTitle, std::string("Alerts from 203.0.113.99")}) {
    const ClosedIncident* alerts = find(title);
    ASSERT_NE(alerts, nullptr) << title;
    EXPECT_EQ(alerts->alert_count, 44) << describe(incidents_);
    EXPECT_EQ(alerts->source, "203.0.113.99");
    EXPECT_EQ(alerts->targets, std::vector<std::string>{"192.168.10.80"});
    EXPECT_EQ(alerts->signature_ids, std::vector<int64_t>{9000120});
  }
  EXPECT_EQ(find(alertsTitle)->severity, 2);  // high

  size_t alerts = 0;
  for (const auto* a : log_.ofType("alert")) {
    ++alerts;
    EXPECT_EQ(EveLog::number(*a, "alert.signature_id"), 9000120);
    EXPECT_EQ(EveLog::string(*a, "src_ip"), "203.0.113.99");
    EXPECT_EQ(EveLog::number(*a, "dest_port"), 22);
  }
  EXPECT_EQ(alerts, 44u);
}

TEST_F(CorrelationScenarios, DnsTunnelCountsThePayloadNamesOnly) {
  ASSERT_NO_FATAL_FAILURE(runScenario("dns-tunnel"));
  const std::string title = "DNS tunnelling from 192.168.10.27 (dns.rrname.domain tunnel.example)";
  const std::multiset<std::pair<std::string, std::string>> expected = {{"dns_tunnelling", title}};
  ASSERT_EQ(seen(), expected) << describe(incidents_);

  // What the rule should count, worked out from the queries EVE logged: 192.168.10.27's
  // names under tunnel.example that are long or random in their first label.
  std::set<std::string> tunnelQueries, suspicious;
  for (const auto* r : log_.ofType("dns")) {
    const std::string name = EveLog::string(*r, "dns.rrname");
    if (EveLog::string(*r, "dns.type") != "query" || EveLog::string(*r, "src_ip") != "192.168.10.27") continue;
    if (!name.ends_with(".t.tunnel.example")) continue;
    tunnelQueries.insert(name);
    if (name.size() >= 60 || firstLabelEntropy(name) >= 3.8) suspicious.insert(name);
  }
  EXPECT_EQ(tunnelQueries.size(), 48u);
  ASSERT_GE(suspicious.size(), 30u) << "the scenario plants too few random names to cross the threshold";

  const ClosedIncident* tunnel = find(title);
  ASSERT_NE(tunnel, nullptr);
  EXPECT_EQ(tunnel->source, "192.168.10.27");
  EXPECT_EQ(tunnel->alert_count, static_cast<int64_t>(suspicious.size())) << describe(incidents_);
  const std::set<std::string> domains(tunnel->domains.begin(), tunnel->domains.end());
  EXPECT_EQ(domains, suspicious) << "the incident's domains are the counted names, and only those";
  EXPECT_EQ(tunnel->severity, 2);  // high
}

TEST_F(CorrelationScenarios, WorkersOneAndTwoGiveTheSameIncidents) {
  for (const char* scenario : {"host-sweep", "brute-force", "dns-tunnel", "campaign"}) {
    const std::string pcap = scenarioCapture(scenario);
    const WorkersOutcome one = runWithWorkers(pcap, 1);
    EXPECT_FALSE(one.incidents.empty()) << scenario;
    expectSameWithOneAndTwoWorkers(pcap);
  }
}

TEST(CorrelationScenariosCommandLine, UnknownScenarioIsAnErrorNamingTheKnownOnes) {
  const CommandResult r =
      run(binaryDir() + "/tools/mamori-demogen --scenario nosuch --out '" + tempDir() + "/x.pcap' 2>&1");
  EXPECT_NE(r.exit_code, 0);
  for (const char* known : {"office", "host-sweep", "brute-force", "dns-tunnel", "campaign"}) {
    EXPECT_NE(r.out.find(known), std::string::npos) << known << " missing from: " << r.out;
  }
}

TEST(CorrelationScenariosCommandLine, SameSeedGivesByteIdenticalScenarios) {
  for (const char* scenario : {"host-sweep", "brute-force", "dns-tunnel", "campaign"}) {
    std::vector<std::string> files;
    for (const char* seed : {"7", "7", "8"}) {
      const std::string pcap = tempDir() + "/" + scenario + "-" + std::to_string(files.size()) + ".pcap";
      ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --scenario " + scenario + " --seed " + seed + " --out '" +
                    pcap + "' >/dev/null")
                    .exit_code,
                0);
      files.push_back(readFile(pcap));
    }
    EXPECT_FALSE(files[0].empty()) << scenario;
    EXPECT_TRUE(files[0] == files[1]) << scenario;
    EXPECT_FALSE(files[0] == files[2]) << scenario;
  }
}

}  // namespace
}  // namespace mamori::test
