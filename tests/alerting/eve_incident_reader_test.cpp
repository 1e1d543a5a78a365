// incidentFromEve is formatIncident's inverse (the central stores its sensors' incidents
// from their EVE records), and refuses what is not an incident record.
#include "alerting/eve_incident_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "alerting/eve_formatter.h"
#include "tests/alerting/print_incident.h"

namespace mamori {
namespace {

constexpr TimeUs kT0 = 1'700'000'000'000'000;

IpAddress ip(const std::string& text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

// Every field set, with what a lossy reader would change: ids at 2^53 - 1 and above 2^63,
// IPv6, text with quotes, escapes and non-ASCII, a group key with escaped separators.
Incident richIncident() {
  Incident inc;
  inc.id = (uint64_t{1} << 53) - 1;
  inc.sensor = "central";
  inc.state = IncidentState::Updated;
  inc.title = "Campaign from 203.0.113.66: \"ET EXPLOIT\" → C2 ✓";
  inc.severity = 1;
  inc.first_seen = kT0 + 123'456;
  inc.last_seen = kT0 + 600'000'007;
  inc.source = ip("203.0.113.66");
  inc.targets = {ip("10.9.9.9"), ip("2001:db8::1")};
  inc.dest_ports = {22, 443, 65535};
  inc.signature_ids = {2001219, 4294967295u};
  inc.signatures = {"ET SCAN Potential SSH Scan", "sig with \\ backslash\nand newline"};
  inc.flow_ids = {1, 18446744073709551615ull};
  inc.alert_ids = {3, (1ull << 53) - 1};
  inc.alert_count = 5'000'000'000ull;
  inc.rule = "cross_sensor_campaign";
  inc.group_key = "src_ip=203.0.113.66,note=a\\,b\\=c";
  inc.stages = {"recon", "exploit", "c2"};
  inc.domains = {"evil.example", "xn--bcher-kva.example"};
  inc.tactics = {"TA0001", "TA0011"};
  inc.techniques = {"T1071.001", "T1190"};
  inc.sensors = {"osaka-2", "tokyo-1"};
  return inc;
}

TEST(EveIncidentReader, ReadsBackEveryFieldTheFormatterWrote) {
  const Incident rich = richIncident();
  EXPECT_EQ(incidentFromEve(EveFormatter(rich.sensor).formatIncident(rich)), rich);

  // The fewest fields: no source (grouped by a domain), no rule, no lists, no sensor.
  Incident bare;
  bare.id = 7;
  bare.state = IncidentState::Closed;
  bare.last_seen = kT0;
  EXPECT_EQ(incidentFromEve(EveFormatter("").formatIncident(bare)), bare);

  // The source is a host the incident names; targets may hold it too.
  Incident both = bare;
  both.source = ip("10.0.0.5");
  both.targets = {ip("10.0.0.5"), ip("10.0.0.6")};
  EXPECT_EQ(incidentFromEve(EveFormatter("tokyo-1").formatIncident(both))->targets, both.targets);
}

TEST(EveIncidentReader, TheSensorIsTheRecordsHost) {
  Incident inc = richIncident();
  const std::string line = EveFormatter("osaka-2").formatIncident(inc);
  const auto read = incidentFromEve(line);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->sensor, "osaka-2");
  EXPECT_EQ(read->sensors, inc.sensors);
}

TEST(EveIncidentReader, RefusesWhatIsNotAnIncidentRecord) {
  const std::string good = EveFormatter("tokyo-1").formatIncident(richIncident());
  ASSERT_TRUE(incidentFromEve(good));
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string line = good;
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return line.replace(at, from.size(), to);
  };
  auto removed = [&](const std::string& key) {
    // Drops `"key":value,` for a value without commas or brackets inside.
    std::string line = good;
    const size_t at = line.find("\"" + key + "\":");
    EXPECT_NE(at, std::string::npos) << key;
    return line.erase(at, line.find(',', at) + 1 - at);
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty"},
      {"[]", "not an object"},
      {good.substr(0, good.size() - 1), "cut short"},
      {good + "{}", "two values"},
      {replaced("\"incident\",", "\"alert\","), "another event type"},
      {replaced("\"state\":\"updated\"", "\"state\":\"pending\""), "unknown state"},
      {replaced("\"severity\":1", "\"severity\":\"1\""), "severity as text"},
      {replaced("\"source\":\"203.0.113.66\"", "\"source\":\"203.0.113.666\""), "bad source"},
      {replaced("\"targets\":[\"10.9.9.9\"", "\"targets\":[\"ten\""), "bad target"},
      {replaced("65535]", "65536]"), "port out of range"},
      {replaced("\"signature_ids\":[2001219,4294967295]", "\"signature_ids\":[2001219]"), "signatures unpaired"},
      {replaced("\"first_seen\":\"2023-11-14T22:13:20.123456+0000\"", "\"first_seen\":\"2023-11-14 22:13:20\""),
       "bad time"},
      {replaced("\"host\":\"tokyo-1\"", "\"host\":7"), "host not text"},
      {removed("alert_count"), "no alert_count"},
      {removed("id"), "no id"},
      {replaced("\"title\":\"Campaign", "\"title\":\"\xff"), "invalid UTF-8"},
  };
  for (const auto& [line, why] : bad) EXPECT_EQ(incidentFromEve(line), std::nullopt) << why << ": " << line;
}

TEST(EveIncidentReader, DeepNestingIsRefusedWithoutExhaustingTheStack) {
  // An iterative parse: a million nested arrays cost heap, not stack.
  std::string deep = "{\"event_type\":\"incident\",\"incident\":" + std::string(1'000'000, '[') +
                     std::string(1'000'000, ']') + "}";
  EXPECT_EQ(incidentFromEve(deep), std::nullopt);
}

}  // namespace
}  // namespace mamori
