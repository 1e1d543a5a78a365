#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/correlate/correlation_test_events.h"

namespace mamori::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* kBase = R"(title: Probe
name: probe
detection:
  selection:
    event_type: flow
  condition: selection
---
)";

// The error the text raises, or "" when it parses.
std::string errorOf(const std::string& text) {
  try {
    parseRules(text, "rules.yaml");
  } catch (const CorrelationRuleError& e) {
    return e.what();
  }
  return "";
}

TEST(CorrelationRuleParser, ParsesBaseAndCorrelationRules) {
  CorrelationRuleSet set = parseRules(std::string(kBase) + R"(title: Scan
name: scan
level: high
tags: [attack.discovery, attack.t1046, attack.TA0043, cve.2021-44228]
correlation:
  type: value_count
  rules: [probe]
  group-by: [src_ip, dest_ip]
  timespan: 15m
  condition:
    field: dest_port
    gt: 10
    lte: 200
)");
  ASSERT_EQ(set.base.size(), 1u);
  ASSERT_EQ(set.correlations.size(), 1u);
  const CorrelationRule& r = set.correlations[0];
  EXPECT_EQ(r.type, CorrelationType::ValueCount);
  EXPECT_EQ(r.severity, 2);
  EXPECT_EQ(r.timespan, 15 * 60 * kSecond);
  EXPECT_EQ(r.condition.min, 11u);
  EXPECT_EQ(r.condition.max, 200u);
  EXPECT_EQ(r.field, "dest_port");
  EXPECT_THAT(r.group_by, ElementsAre("src_ip", "dest_ip"));
  EXPECT_THAT(r.tactics, ElementsAre("TA0007", "TA0043"));
  EXPECT_THAT(r.techniques, ElementsAre("T1046"));
  EXPECT_EQ(r.file, "test.yaml");
  EXPECT_EQ(r.line, 8);
}

TEST(CorrelationRuleParser, OrdersCorrelationsAfterThoseTheyRead) {
  CorrelationRuleSet set = parseRules(std::string(kBase) + R"(name: outer
correlation:
  type: event_count
  rules: [inner]
  group-by: [src_ip]
  timespan: 1h
  condition: {gte: 2}
---
name: inner
correlation:
  type: event_count
  rules: [probe]
  group-by: [src_ip]
  timespan: 1m
  condition: {gte: 5}
)");
  ASSERT_EQ(set.correlations.size(), 2u);
  EXPECT_EQ(set.correlations[0].name, "inner");
  EXPECT_EQ(set.correlations[1].name, "outer");
  EXPECT_TRUE(set.correlations[1].inputs[0].correlation);
  EXPECT_EQ(set.correlations[1].inputs[0].index, 0u);
}

TEST(CorrelationRuleParser, RangeAndTemporalDefaultCondition) {
  CorrelationRuleSet set = parseRules(std::string(kBase) + R"(name: other
detection:
  selection: {event_type: alert}
  condition: selection
---
name: both
correlation:
  type: temporal
  rules: [probe, other]
  group-by: [src_ip]
  timespan: 30s
---
name: ranged
correlation:
  type: event_count
  rules: [probe]
  timespan: 2d
  condition: {range: 5..9}
)");
  EXPECT_EQ(set.correlations[0].condition.min, 2u);  // every rule
  EXPECT_EQ(set.correlations[1].condition.min, 5u);
  EXPECT_EQ(set.correlations[1].condition.max, 9u);
}

struct BadRule {
  const char* what;
  std::string text;
  std::string error;  // expected substring, "rules.yaml:LINE: ..."
};

class CorrelationRuleErrors : public ::testing::TestWithParam<BadRule> {};

TEST_P(CorrelationRuleErrors, NameFileLineAndReason) {
  EXPECT_THAT(errorOf(GetParam().text), HasSubstr(GetParam().error)) << GetParam().what;
}

std::string correlation(const std::string& body) {
  return std::string(kBase) + "name: c\ncorrelation:\n" + body;  // body starts at line 9
}

INSTANTIATE_TEST_SUITE_P(
    All, CorrelationRuleErrors,
    ::testing::Values(
        BadRule{"malformed YAML", "name: x\ndetection: [a, b\n", "rules.yaml:3: "},
        BadRule{"unknown top-level key", std::string(kBase) + "name: c\ncolour: red\ncorrelation: {}\n",
                "rules.yaml:9: colour: unknown key"},
        BadRule{"unknown correlation key",
                correlation("  type: event_count\n  rules: [probe]\n  timespan: 1m\n  condition: {gte: 1}\n  window: 5\n"),
                "rules.yaml:14: correlation.window: unknown key"},
        BadRule{"unknown type", correlation("  type: event_sum\n  rules: [probe]\n  timespan: 1m\n"),
                "rules.yaml:10: correlation.type: unknown type 'event_sum'"},
        BadRule{"unknown rule name", correlation("  type: event_count\n  rules:\n    - probe\n    - nothing\n  timespan: 1m\n  condition: {gte: 1}\n"),
                "rules.yaml:13: correlation.rules: no rule is named 'nothing'"},
        BadRule{"cycle",
                std::string(kBase) +
                    "name: a\ncorrelation:\n  type: event_count\n  rules: [b]\n  timespan: 1m\n  condition: {gte: 1}\n"
                    "---\nname: b\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: 1}\n",
                "rules.yaml:18: correlation.rules: cycle: a -> b -> a"},
        BadRule{"gt 5 and lt 3", correlation("  type: event_count\n  rules: [probe]\n  timespan: 1m\n  condition:\n    gt: 5\n    lt: 3\n"),
                "rules.yaml:14: correlation.condition: can never hold: needs a count >= 6 and <= 2"},
        BadRule{"range min > max", correlation("  type: event_count\n  rules: [probe]\n  timespan: 1m\n  condition: {range: 9..2}\n"),
                "rules.yaml:13: correlation.condition: can never hold"},
        BadRule{"bad timespan", correlation("  type: event_count\n  rules: [probe]\n  timespan: 15x\n  condition: {gte: 1}\n"),
                "rules.yaml:12: correlation.timespan: bad timespan '15x'"},
        BadRule{"temporal without group-by", correlation("  type: temporal\n  rules: [probe, c2]\n  timespan: 1m\n"),
                "rules.yaml:10: correlation.group-by: temporal needs group-by"},
        BadRule{"value_count without field", correlation("  type: value_count\n  rules: [probe]\n  timespan: 1m\n  condition: {gte: 3}\n"),
                "rules.yaml:13: correlation.condition.field: value_count needs the field"},
        BadRule{"missing condition", correlation("  type: event_count\n  rules: [probe]\n  timespan: 1m\n"),
                "rules.yaml:10: correlation.condition: event_count needs a condition"},
        BadRule{"unknown condition", correlation("  type: event_count\n  rules: [probe]\n  timespan: 1m\n  condition: {over: 3}\n"),
                "rules.yaml:13: correlation.condition.over: unknown condition"},
        BadRule{"max-jitter on value_count",
                correlation("  type: value_count\n  rules: [probe]\n  timespan: 1m\n  condition: {field: dest_port, gte: 3, max-jitter: 0.1}\n"),
                "rules.yaml:13: correlation.condition.max-jitter: max-jitter is for event_count only"},
        BadRule{"unknown group-by field", correlation("  type: event_count\n  rules: [probe]\n  group-by: [src_host]\n  timespan: 1m\n  condition: {gte: 1}\n"),
                "rules.yaml:12: correlation.group-by: unknown field 'src_host'"},
        BadRule{"alias for a rule not listed",
                correlation("  type: event_count\n  rules: [probe]\n  group-by: [machine]\n  timespan: 1m\n  condition: {gte: 1}\n  aliases:\n    machine:\n      other: src_ip\n"),
                "rules.yaml:17: correlation.aliases.machine: 'other' is not one of this correlation's rules"},
        BadRule{"alias with a field's name (the sensor's, in records read from EVE)",
                correlation("  type: event_count\n  rules: [probe]\n  group-by: [host]\n  timespan: 1m\n  condition: {gte: 1}\n  aliases:\n    host:\n      probe: src_ip\n"),
                "rules.yaml:16: correlation.aliases.host: an alias cannot have a field's name"},
        BadRule{"temporal needing more rules than it has",
                std::string(kBase) + "name: p2\ndetection: {s: {event_type: dns}, condition: s}\n---\n"
                    "name: c\ncorrelation:\n  type: temporal\n  rules: [probe, p2]\n  group-by: [src_ip]\n  timespan: 1m\n  condition: {gte: 3}\n",
                "rules.yaml:17: correlation.condition: can never hold: 2 rules cannot give 3"},
        BadRule{"grouping a chained correlation by a field its matches lack",
                std::string(kBase) + "name: inner\ncorrelation:\n  type: event_count\n  rules: [probe]\n  group-by: [src_ip]\n  timespan: 1m\n  condition: {gte: 1}\n"
                    "---\nname: outer\ncorrelation:\n  type: event_count\n  rules: [inner]\n  group-by: [dest_ip]\n  timespan: 1h\n  condition: {gte: 2}\n",
                "rules.yaml:20: correlation.group-by: 'dest_ip' is not a group-by field of 'inner'"},
        BadRule{"duplicate name", std::string(kBase) + "name: probe\ndetection: {s: {event_type: dns}, condition: s}\n",
                "rules.yaml:8: name: 'probe' is already the name of the rule at rules.yaml:2"},
        BadRule{"unknown level", std::string(kBase) + "name: c\nlevel: severe\ncorrelation: {type: event_count, rules: [probe], timespan: 1m, condition: {gte: 1}}\n",
                "rules.yaml:9: level: unknown level 'severe'"},
        BadRule{"unknown ATT&CK tag", std::string(kBase) + "name: c\ntags: [attack.teleportation]\ncorrelation: {type: event_count, rules: [probe], timespan: 1m, condition: {gte: 1}}\n",
                "rules.yaml:9: tags: unknown ATT&CK tag 'attack.teleportation'"},
        BadRule{"unknown selection field", "name: b\ndetection:\n  selection:\n    alert.sid: 5\n  condition: selection\n",
                "rules.yaml:4: detection.selection.alert.sid: unknown field 'alert.sid'"},
        BadRule{"misspelt field", "name: b\ndetection:\n  selection:\n    alert.signatur: x\n  condition: selection\n",
                "rules.yaml:4: detection.selection.alert.signatur: unknown field 'alert.signatur'"},
        BadRule{"EVE's name where the event has its own", "name: b\ndetection:\n  selection:\n    http.http_method: POST\n  condition: selection\n",
                "rules.yaml:4: detection.selection.http.http_method: unknown field 'http.http_method'"},
        BadRule{"a record type events are not made of", "name: b\ndetection:\n  selection:\n    ssh.client.software_version: x\n  condition: selection\n",
                "rules.yaml:4: detection.selection.ssh.client.software_version: unknown field"},
        BadRule{"unknown modifier", "name: b\ndetection:\n  selection:\n    dns.rrname|wildcard: x\n  condition: selection\n",
                "rules.yaml:4: detection.selection.dns.rrname|wildcard: unknown modifier 'wildcard'"},
        BadRule{"bad regex", "name: b\ndetection:\n  selection:\n    dns.rrname|re: '(unclosed'\n  condition: selection\n",
                "rules.yaml:4: detection.selection.dns.rrname|re: bad regular expression"},
        BadRule{"bad network", "name: b\ndetection:\n  selection:\n    src_ip|cidr: 10.0.0.0/33\n  condition: selection\n",
                "rules.yaml:4: detection.selection.src_ip|cidr: bad network"},
        BadRule{"bad number", "name: b\ndetection:\n  selection:\n    dest_port|gt: many\n  condition: selection\n",
                "rules.yaml:4: detection.selection.dest_port|gt: expected a number, got 'many'"},
        BadRule{"condition naming no selection", "name: b\ndetection:\n  selection:\n    event_type: dns\n  condition: selection and not filter\n",
                "rules.yaml:5: detection.condition: unknown selection 'filter'"},
        BadRule{"condition syntax", "name: b\ndetection:\n  selection:\n    event_type: dns\n  condition: (selection\n",
                "rules.yaml:5: detection.condition: missing ')'"},
        BadRule{"missing condition", "name: b\ndetection:\n  selection:\n    event_type: dns\n",
                "rules.yaml:3: detection.condition: missing"},
        BadRule{"base rule without name", "title: nameless\ndetection:\n  selection: {event_type: dns}\n  condition: selection\n",
                "rules.yaml:1: name: a base rule needs a name"},
        BadRule{"neither detection nor correlation", "name: b\ntitle: nothing\n",
                "rules.yaml:1: (document): a rule needs detection or correlation"},
        // Found by fuzz/correlation_rules_fuzz: yaml-cpp's conversion error escaped the parser.
        BadRule{"a key that is a list", "name: b\ncorrelation: {}\n? [a]\n: c\n",
                "rules.yaml:3: (document): a key must be a plain name"},
        BadRule{"a condition key that is a mapping",
                "name: c\ncorrelation:\n  type: event_count\n  rules: [x]\n  timespan: 1m\n  condition:\n"
                "    ? {gte: 8}\n    : 1\n",
                "rules.yaml:7: correlation.condition: a key must be a plain name"}));

TEST(CorrelationRuleParser, AConditionNestedDeeperThanTheParserGoesIsAnErrorNotACrash) {
  // Nested 64 deep is read; 50 000 deep, as a hostile file might, is refused at line 5.
  auto rule = [](int depth, const char* open, const char* close) {
    std::string condition;
    for (int i = 0; i < depth; ++i) condition += open;
    condition += "selection";
    for (int i = 0; i < depth; ++i) condition += close;
    return "name: b\ndetection:\n  selection:\n    event_type: dns\n  condition: " + condition + "\n";
  };
  for (auto [open, close] : {std::pair{"(", ")"}, std::pair{"not ", ""}}) {
    CorrelationRuleParser fine;
    fine.addText(rule(64, open, close), "rules.yaml");
    EXPECT_EQ(fine.finish().base.size(), 1u) << open;
    CorrelationRuleParser hostile;
    try {
      hostile.addText(rule(50000, open, close), "rules.yaml");
      hostile.finish();
      ADD_FAILURE() << open << ": a condition nested 50 000 deep was accepted";
    } catch (const CorrelationRuleError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("rules.yaml:5: detection.condition: nested more than 64 deep")) << open;
    }
  }
}

TEST(CorrelationRuleParser, AStrayCommaAfterADocumentIsAnErrorNotAnEndlessLoad) {
  // yaml-cpp's LoadAll never returns on this (found by fuzz/correlation_rules_fuzz): it
  // makes empty documents of the ',' until memory runs out. Refused at its line.
  for (const std::string& text : {std::string("[a],"), std::string(kBase) + "---\n{x: 1},\n"}) {
    CorrelationRuleParser parser;
    try {
      parser.addText(text, "rules.yaml");
      ADD_FAILURE() << text << ": accepted";
    } catch (const CorrelationRuleError& e) {
      EXPECT_THAT(e.what(), ::testing::MatchesRegex("rules.yaml:[0-9]+: unexpected ',' .*")) << text;
    }
  }
}

TEST(CorrelationRuleParser, ResolvesNamesAcrossFiles) {
  CorrelationRuleParser parser;
  parser.addText(kBase, "base.yaml");
  parser.addText("name: c\ncorrelation: {type: event_count, rules: [probe], timespan: 1m, condition: {gte: 1}}\n",
                 "correlations.yaml");
  EXPECT_EQ(parser.finish().correlations.size(), 1u);
}

TEST(CorrelationRuleParser, UnreadableFileIsAnError) {
  CorrelationRuleParser parser;
  EXPECT_THROW(parser.addPath("/nonexistent/rules.yaml"), CorrelationRuleError);
}

TEST(CorrelationRuleParser, DefaultRulesLoad) {
  CorrelationRuleSet set = defaultRules();
  std::vector<std::string> names;
  for (const auto& r : set.correlations) names.push_back(r.name);
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("alerts_by_host", "beaconing", "brute_force_alerts", "brute_force_connections",
                                                      "brute_force_http", "dns_tunnelling", "multi_stage_intrusion",
                                                      "exploit_then_c2", "port_scan", "host_sweep"));
}

}  // namespace
}  // namespace mamori::test
