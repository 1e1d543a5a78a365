// Each shipped correlation rule on a scenario of its attack, and silence on ordinary
// traffic of the same shape.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/correlate/correlation_test_events.h"

namespace mamori::test {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The themed rules that fired; alerts_by_host, the per-host story every alert joins, is
// left out here and checked on its own.
struct Defaults {
  Defaults() : engine(defaultRules(), {}, sink) {}
  std::vector<std::string> finish() {
    engine.flush();
    std::vector<std::string> rules = sink.rules();
    std::erase(rules, "alerts_by_host");
    std::sort(rules.begin(), rules.end());
    rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
    return rules;
  }
  RecordingSink sink;
  CorrelationEngine engine;
};

// Deterministic pseudo-random text for tunnel labels.
std::string randomLabel(uint32_t& seed, size_t length) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    seed = seed * 1664525u + 1013904223u;
    out += kAlphabet[(seed >> 16) % 32];
  }
  return out;
}

const FlowShape kSynRst{.pkts_toserver = 1, .pkts_toclient = 1, .bytes_toserver = 60, .bytes_toclient = 54};
const FlowShape kConversation{.pkts_toserver = 12, .pkts_toclient = 14, .bytes_toserver = 1800, .bytes_toclient = 24000};

// A user's afternoon: web browsing to a handful of servers at irregular times, DNS for
// ordinary names, NTP every 64 s, a few SSH sessions and one mistyped password.
void ordinaryTraffic(CorrelationEngine& engine) {
  const char* sites[] = {"142.250.74.100", "151.101.1.69", "104.16.132.229", "13.107.42.14", "52.84.150.39"};
  const char* names[] = {"www.google.com", "fonts.gstatic.com", "e1234.dscb.akamaiedge.net", "clients4.google.com",
                         "r3---sn-4g5e6nz7.googlevideo.com", "login.microsoftonline.com", "github.com",
                         "avatars.githubusercontent.com", "cdn.jsdelivr.net", "api.github.com"};
  uint32_t seed = 7;
  TimeUs t = 0;
  for (int i = 0; i < 400; ++i) {
    seed = seed * 1664525u + 1013904223u;
    t += (1 + (seed >> 20) % 40) * kSecond;
    const char* site = sites[(seed >> 8) % 5];
    engine.onEvent(dnsQuery(t, "10.0.0.20", names[(seed >> 12) % 10]));
    engine.onEvent(flowEvent(t, "10.0.0.20", site, 443, kConversation));
    if (i % 50 == 0) engine.onEvent(flowEvent(t, "10.0.0.20", "10.0.0.2", 22, {.pkts_toserver = 300, .bytes_toserver = 40000}));
    if (i % 90 == 0) engine.onEvent(httpEvent(t, "10.0.0.20", "10.0.0.3", 401));
    // A connection refused now and then (a closed port, a dead server).
    if (i % 37 == 0) engine.onEvent(flowEvent(t, "10.0.0.20", site, 8080, kSynRst));
  }
  for (TimeUs n = 0; n < t; n += 64 * kSecond) {
    engine.advance(n);
    engine.onEvent(flowEvent(n, "10.0.0.20", "162.159.200.1", 123, {.proto = 17}));
  }
}

TEST(DefaultCorrelationRules, OrdinaryTrafficIsSilent) {
  Defaults d;
  ordinaryTraffic(d.engine);
  EXPECT_THAT(d.finish(), IsEmpty());
}

TEST(DefaultCorrelationRules, PortScan) {
  Defaults d;
  for (uint16_t port = 1; port <= 200; ++port) {
    d.engine.onEvent(flowEvent(port * kSecond / 10, "198.51.100.7", "10.0.0.5", port, kSynRst));
  }
  EXPECT_THAT(d.finish(), ElementsAre("port_scan"));
  const CorrelationMatch& first = d.sink.matches.front();
  EXPECT_EQ(first.events, 20u);  // fires at the 20th distinct port
  EXPECT_THAT(first.techniques, ElementsAre("T1046"));
  EXPECT_EQ(d.sink.matches.back().events, 200u);
}

TEST(DefaultCorrelationRules, HostSweep) {
  Defaults d;
  for (int host = 1; host <= 60; ++host) {
    d.engine.onEvent(flowEvent(host * kSecond, "198.51.100.7", "10.0.1." + std::to_string(host), 445, kSynRst));
  }
  EXPECT_THAT(d.finish(), ElementsAre("host_sweep"));
  EXPECT_EQ(d.sink.matches.front().group[1].second, "445");
}

TEST(DefaultCorrelationRules, BruteForceByConnections) {
  Defaults d;
  uint32_t seed = 5;
  TimeUs t = 0;
  for (int i = 0; i < 40; ++i) {
    // Each attempt takes as long as the server makes it wait: uneven gaps.
    seed = seed * 1664525u + 1013904223u;
    t += static_cast<TimeUs>(1 + (seed >> 16) % 12) * kSecond;
    d.engine.onEvent(flowEvent(t, "198.51.100.7", "10.0.0.2", 22,
                               {.pkts_toserver = 12, .pkts_toclient = 11, .bytes_toserver = 2600, .bytes_toclient = 3100}));
  }
  EXPECT_THAT(d.finish(), ElementsAre("brute_force_connections"));
}

TEST(DefaultCorrelationRules, BruteForceBySignatureAndHttp) {
  Defaults d;
  for (int i = 0; i < 8; ++i) {
    d.engine.onEvent(alertEvent(i * 10 * kSecond, "198.51.100.7", "10.0.0.2", 2001219,
                                "ET SCAN Potential SSH Scan / Brute Force Attempt", {}, 22));
  }
  for (int i = 0; i < 30; ++i) d.engine.onEvent(httpEvent(i * 3 * kSecond, "198.51.100.8", "10.0.0.3", 401));
  EXPECT_THAT(d.finish(), ElementsAre("brute_force_alerts", "brute_force_http"));
}

TEST(DefaultCorrelationRules, MultiStageIntrusion) {
  Defaults d;
  const std::string attacker = "198.51.100.7", victim = "10.0.0.5", c2 = "203.0.113.9";
  d.engine.onEvent(alertEvent(0, attacker, victim, 2010935, "ET SCAN MSSQL probe", {"mitre_tactic_id TA0043"}));
  d.engine.onEvent(alertEvent(600 * kSecond, attacker, victim, 2024217, "ET EXPLOIT x",
                              {"mitre_tactic_id TA0001, mitre_technique_id T1190"}));
  d.engine.onEvent(alertEvent(3600 * kSecond, victim, c2, 2027865, "ET MALWARE CnC beacon",
                              {"mitre_tactic_id TA0011, mitre_technique_id T1071"}));
  EXPECT_THAT(d.finish(), ElementsAre("exploit_then_c2", "multi_stage_intrusion"));
  for (const auto& m : d.sink.matches) {
    if (m.rule != "multi_stage_intrusion") continue;
    EXPECT_EQ(m.severity, 1);
    EXPECT_THAT(m.stages, ElementsAre("stage_recon", "stage_exploit", "stage_c2"));
    EXPECT_THAT(m.techniques, ElementsAre("T1071", "T1190"));
  }
}

TEST(DefaultCorrelationRules, EveryAlertJoinsItsHostsStory) {
  Defaults d;
  d.engine.onEvent(alertEvent(0, "198.51.100.7", "10.0.0.5", 2010935, "ET SCAN probe", {}));
  d.engine.onEvent(alertEvent(kSecond, "198.51.100.7", "10.0.0.6", 2010935, "ET SCAN probe", {}));
  d.engine.onEvent(alertEvent(2 * kSecond, "10.0.0.5", "203.0.113.9", 2027865, "ET MALWARE CnC beacon", {}));
  d.engine.onEvent(flowEvent(3 * kSecond, "10.0.0.20", "142.250.74.100", 443, kConversation));
  d.engine.flush();
  std::vector<std::string> hosts;
  for (const auto& m : d.sink.matches) {
    if (m.rule != "alerts_by_host") continue;
    ASSERT_EQ(m.group.size(), 1u);
    hosts.push_back(m.group[0].second);
  }
  // A group matches again as its evidence grows; the flow is no alert and joins nothing.
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  EXPECT_THAT(hosts, ElementsAre("10.0.0.5", "198.51.100.7"));
}

TEST(DefaultCorrelationRules, AttackAlertsWithoutFollowUpAreNoIntrusion) {
  Defaults d;
  // Internet background noise: scans and exploit attempts, no C2 from the target.
  for (int i = 0; i < 20; ++i) {
    d.engine.onEvent(alertEvent(i * 60 * kSecond, "198.51.100." + std::to_string(i), "10.0.0.5", 2010935, "ET SCAN probe",
                                {"mitre_tactic_id TA0043"}));
    d.engine.onEvent(alertEvent(i * 60 * kSecond + kSecond, "198.51.100." + std::to_string(i), "10.0.0.5", 2024217,
                                "ET EXPLOIT x", {"mitre_tactic_id TA0001"}));
  }
  EXPECT_THAT(d.finish(), IsEmpty());
}

TEST(DefaultCorrelationRules, Beaconing) {
  Defaults d;
  uint32_t seed = 3;
  TimeUs t = 0;
  for (int i = 0; i < 20; ++i) {
    seed = seed * 1664525u + 1013904223u;
    t += 300 * kSecond + static_cast<TimeUs>((seed >> 16) % 10) * kSecond;  // 5 min, up to 10 s of jitter
    d.engine.advance(t);
    d.engine.onEvent(flowEvent(t, "10.0.0.20", "203.0.113.9", 8443, kConversation));
  }
  EXPECT_THAT(d.finish(), ElementsAre("beaconing"));
  EXPECT_THAT(d.sink.matches.front().dest_ports, ElementsAre(8443));
}

TEST(DefaultCorrelationRules, DnsTunnelling) {
  Defaults d;
  uint32_t seed = 11;
  for (int i = 0; i < 80; ++i) {
    const std::string name = randomLabel(seed, 40) + "." + randomLabel(seed, 20) + ".t.tunnel.example.co.uk";
    d.engine.onEvent(dnsQuery(i * 2 * kSecond, "10.0.0.20", name));
  }
  EXPECT_THAT(d.finish(), ElementsAre("dns_tunnelling"));
  const CorrelationMatch& m = d.sink.matches.front();
  EXPECT_THAT(m.group, Contains(std::pair<std::string, std::string>("dns.rrname.domain", "example.co.uk")));
  EXPECT_EQ(m.events, 30u);
}

TEST(DefaultCorrelationRules, ManyOrdinaryNamesUnderOneDomainAreNoTunnel) {
  Defaults d;
  // A CDN's host names: many distinct, short, not random.
  for (int i = 0; i < 200; ++i) {
    d.engine.onEvent(dnsQuery(i * kSecond, "10.0.0.20", "edge-" + std::to_string(i) + ".static.cdn-example.net"));
  }
  EXPECT_THAT(d.finish(), IsEmpty());
}

}  // namespace
}  // namespace mamori::test
