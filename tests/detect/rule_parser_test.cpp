#include <gtest/gtest.h>

#include <chrono>

#include <filesystem>
#include <fstream>

#include "rules/classification.h"
#include "rules/rule_parser.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

Rule parseOk(const std::string& text) {
  RuleParser parser;
  RuleError error;
  std::optional<Rule> rule = parser.parseRule(text, "test.rules", 1, error);
  EXPECT_TRUE(rule.has_value()) << error.toString();
  return rule ? std::move(*rule) : Rule{};
}

const ContentMatch& content(const Rule& rule, size_t index) {
  return std::get<ContentMatch>(rule.payload.at(index));
}

RuleError parseFails(const std::string& text) {
  RuleParser parser;
  RuleError error;
  EXPECT_FALSE(parser.parseRule(text, "test.rules", 7, error).has_value()) << text;
  return error;
}

TEST(RuleParserTest, HeaderAndCommonOptions) {
  Rule rule = parseOk(
      "alert tcp $EXTERNAL_NET any -> $HOME_NET $HTTP_PORTS (msg:\"ET TEST \\\"quoted\\\" \\; done\"; "
      "sid:2000001; rev:3; gid:1; classtype:trojan-activity; "
      "reference:url,example.com/x; reference:cve,2020-1234; metadata:created_at 2020_01_01, updated_at 2021_01_01;)");
  EXPECT_EQ(rule.action, RuleAction::Alert);
  EXPECT_EQ(rule.protocol.name, "tcp");
  EXPECT_TRUE(rule.protocol.matches(4, 6));
  EXPECT_FALSE(rule.protocol.matches(4, 17));
  EXPECT_FALSE(rule.protocol.app_layer);
  EXPECT_TRUE(rule.source.matches(ip("8.8.8.8")));
  EXPECT_FALSE(rule.source.matches(ip("10.0.0.1")));
  EXPECT_TRUE(rule.destination.matches(ip("10.0.0.1")));
  EXPECT_TRUE(rule.source_ports.isAny());
  EXPECT_TRUE(rule.destination_ports.matches(80));
  EXPECT_FALSE(rule.destination_ports.matches(8080));
  EXPECT_EQ(rule.direction, RuleDirection::Forward);
  EXPECT_EQ(rule.msg, "ET TEST \"quoted\" ; done");
  EXPECT_EQ(rule.sid, 2000001u);
  EXPECT_EQ(rule.rev, 3u);
  EXPECT_EQ(rule.gid, 1u);
  EXPECT_EQ(rule.classtype, "trojan-activity");
  EXPECT_EQ(rule.category, "A Network Trojan was detected");
  EXPECT_EQ(rule.priority, 1);
  ASSERT_EQ(rule.references.size(), 2u);
  EXPECT_EQ(rule.references[0], "url,example.com/x");
  ASSERT_EQ(rule.metadata.size(), 1u);
  EXPECT_EQ(rule.metadata[0], "created_at 2020_01_01, updated_at 2021_01_01");
  EXPECT_EQ(rule.file, "test.rules");
  EXPECT_EQ(rule.line, 1u);
}

TEST(RuleParserTest, PriorityOverridesClasstypeInEitherOrder) {
  EXPECT_EQ(parseOk("alert ip any any -> any any (priority:4; classtype:trojan-activity; sid:1;)").priority, 4);
  EXPECT_EQ(parseOk("alert ip any any -> any any (classtype:trojan-activity; priority:2; sid:1;)").priority, 2);
  EXPECT_EQ(parseOk("alert ip any any -> any any (classtype:tcp-connection; sid:1;)").priority, 4);
  Rule plain = parseOk("alert ip any any -> any any (sid:1;)");
  EXPECT_EQ(plain.priority, 3);
  EXPECT_EQ(plain.category, "");
  EXPECT_EQ(plain.rev, 0u);
}

TEST(RuleParserTest, Actions) {
  EXPECT_EQ(parseOk("pass tcp any any -> any any (sid:1;)").action, RuleAction::Pass);
  EXPECT_EQ(parseOk("drop tcp any any -> any any (sid:1;)").action, RuleAction::Drop);
  EXPECT_EQ(parseOk("reject tcp any any -> any any (sid:1;)").action, RuleAction::Reject);
  EXPECT_EQ(parseOk("rejectboth tcp any any -> any any (sid:1;)").action, RuleAction::RejectBoth);
  EXPECT_STREQ(ruleActionName(RuleAction::RejectSrc), "rejectsrc");
}

TEST(RuleParserTest, Protocols) {
  Rule icmp = parseOk("alert icmp any any -> any any (sid:1;)");
  EXPECT_TRUE(icmp.protocol.matches(4, 1));
  EXPECT_TRUE(icmp.protocol.matches(6, 58));
  EXPECT_FALSE(icmp.protocol.matches(4, 6));
  Rule ip = parseOk("alert ip any any -> any any (sid:1;)");
  EXPECT_TRUE(ip.protocol.matches(4, 47));
  Rule v6 = parseOk("alert ipv6 any any -> any any (sid:1;)");
  EXPECT_TRUE(v6.protocol.matches(6, 6));
  EXPECT_FALSE(v6.protocol.matches(4, 6));
  Rule http = parseOk("alert http any any -> any any (sid:1;)");
  EXPECT_TRUE(http.protocol.app_layer);
  EXPECT_EQ(http.protocol.name, "http");
  EXPECT_TRUE(http.protocol.matches(4, 6));
  EXPECT_FALSE(http.protocol.matches(4, 17));
  Rule dns = parseOk("alert dns any any -> any any (sid:1;)");
  EXPECT_TRUE(dns.protocol.matches(4, 6));
  EXPECT_TRUE(dns.protocol.matches(4, 17));
  // Frames: arp only frames of ARP's ethertype, ether those with an Ethernet header (IP or
  // not), pkthdr any.
  Rule arp = parseOk("alert arp any any -> any any (sid:1;)");
  EXPECT_TRUE(arp.protocol.matches(0, 0, 0x0806, true));
  EXPECT_FALSE(arp.protocol.matches(4, 6, 0x0800, true));
  EXPECT_FALSE(arp.protocol.matches(0, 0, 0x88cc, true));
  Rule ether = parseOk("alert ether any any -> any any (sid:1;)");
  EXPECT_TRUE(ether.protocol.matches(4, 6, 0x0800, true));
  EXPECT_TRUE(ether.protocol.matches(0, 0, 0x88cc, true));
  EXPECT_FALSE(ether.protocol.matches(4, 6, 0x0800, false));
  Rule any = parseOk("alert pkthdr any any -> any any (sid:1;)");
  EXPECT_TRUE(any.protocol.matches(0, 0, 0, false));
  EXPECT_FALSE(ip.protocol.matches(0, 0, 0x0806, true));
  EXPECT_EQ(parseFails("alert appletalk any any -> any any (sid:1;)").reason, "unknown protocol 'appletalk'");
}

TEST(RuleParserTest, BidirectionalAndAddressForms) {
  Rule r = parseOk("alert udp [10.0.0.0/8, !10.0.0.1] [1024:, !5000] <> 2001:db8::/32 :1023 (sid:9;)");
  EXPECT_EQ(r.direction, RuleDirection::Bidirectional);
  EXPECT_TRUE(r.source.matches(ip("10.0.0.2")));
  EXPECT_FALSE(r.source.matches(ip("10.0.0.1")));
  EXPECT_TRUE(r.source_ports.matches(1024));
  EXPECT_FALSE(r.source_ports.matches(5000));
  EXPECT_TRUE(r.destination.matches(ip("2001:db8::5")));
  EXPECT_TRUE(r.destination_ports.matches(53));
  EXPECT_FALSE(r.destination_ports.matches(1024));
}

TEST(RuleParserTest, ContentHexEscapesNocaseNegation) {
  Rule r = parseOk(
      "alert tcp any any -> any any (content:\"GET |20 2f|a\\\"b\\;c\\\\d\\:e\"; nocase; "
      "content:!\"|00|\"; content:\"|41 42|\"; content:\"x|7C|y\"; sid:5;)");
  ASSERT_EQ(r.payload.size(), 4u);
  EXPECT_EQ(content(r, 0).bytes, "GET  /a\"b;c\\d:e");
  EXPECT_TRUE(content(r, 0).nocase);
  EXPECT_FALSE(content(r, 0).negated);
  EXPECT_EQ(content(r, 1).bytes, std::string(1, '\0'));
  EXPECT_TRUE(content(r, 1).negated);
  EXPECT_FALSE(content(r, 1).nocase);
  EXPECT_EQ(content(r, 2).bytes, "AB");
  EXPECT_EQ(content(r, 3).bytes, "x|y");
  Rule spaced = parseOk("alert tcp any any -> any any (content: ! \"abc\"; content:\"|de AD  be ef|\"; sid:6;)");
  EXPECT_TRUE(content(spaced, 0).negated);
  EXPECT_EQ(content(spaced, 1).bytes, "\xde\xad\xbe\xef");
}

TEST(RuleParserTest, MsgKeepsUnknownEscapes) {
  EXPECT_EQ(parseOk("alert tcp any any -> any any (msg:\"UA (c \\windows) \\r\\n\"; sid:1;)").msg,
            "UA (c \\windows) \\r\\n");
  EXPECT_EQ(parseOk("alert tcp any any -> any any (msg:unquoted text; sid:1;)").msg, "unquoted text");
}

TEST(RuleParserTest, LastOptionWithoutSemicolonAndParenthesesInValues) {
  Rule r = parseOk("alert tcp any any -> any any (msg:\"a (b) c\"; content:\"x)y\"; sid:77)");
  EXPECT_EQ(r.msg, "a (b) c");
  EXPECT_EQ(content(r, 0).bytes, "x)y");
  EXPECT_EQ(r.sid, 77u);
}

TEST(RuleParserTest, UnsupportedKeywordNamesItAndItsColumn) {
  //                 1         2         3         4         5
  //        12345678901234567890123456789012345678901234567890123456
  std::string text = "alert tcp any any -> any any (msg:\"x\"; lua:detect.lua; sid:42;)";
  RuleError e = parseFails(text);
  EXPECT_EQ(e.reason, "unsupported keyword 'lua'");
  EXPECT_EQ(e.column, text.find("lua") + 1);
  EXPECT_EQ(e.line, 7u);
  EXPECT_EQ(e.sid, 42u);
  EXPECT_EQ(e.file, "test.rules");
  EXPECT_EQ(e.toString(), "test.rules:7:" + std::to_string(text.find("lua") + 1) +
                              ": sid 42: unsupported keyword 'lua'");
}

TEST(RuleParserTest, ErrorsCarryColumnAndSid) {
  struct Case {
    std::string text;
    std::string at;  // the error points at the first occurrence of this
    std::string reason_part;
    uint32_t sid;
  };
  const Case cases[] = {
      {"alrt tcp any any -> any any (sid:1;)", "alrt", "unknown action 'alrt'", 1},
      {"alert tcp $NOPE any -> any any (sid:2;)", "$NOPE", "unknown variable '$NOPE'", 2},
      {"alert tcp any any -> [1.1.1.1,x] any (sid:3;)", "x]", "invalid address 'x'", 3},
      {"alert tcp any any -> any 70000 (sid:4;)", "70000", "invalid port", 4},
      {"alert tcp any any <- any any (sid:5;)", "<-", "invalid direction", 5},
      {"alert tcp any any -> any any (content:\"a|4|\"; sid:6;)", "|\"", "odd number of hex digits", 6},
      {"alert tcp any any -> any any (content:\"a|zz|\"; sid:7;)", "zz", "invalid character 'z'", 7},
      {"alert tcp any any -> any any (content:\"a|41\"; sid:8;)", "\"; sid", "unterminated hex", 8},
      {"alert tcp any any -> any any (content:\"a\\x\"; sid:9;)", "\\x", "invalid escape", 9},
      {"alert tcp any any -> any any (content:abc; sid:10;)", "abc", "quoted string", 10},
      {"alert tcp any any -> any any (content:\"\"; sid:11;)", "\"\"", "empty content", 11},
      {"alert tcp any any -> any any (nocase; content:\"a\"; sid:12;)", "nocase", "preceding 'content'", 12},
      {"alert tcp any any -> any any (classtype:made-up; sid:13;)", "made-up", "unknown classtype", 13},
      {"alert tcp any any -> any any (sid:14; rev:x;)", "x;", "invalid rev", 14},
      {"alert tcp any any -> any any (priority:0; sid:15;)", "0;", "invalid priority", 15},
      {"alert tcp any any -> any any (msg:\"unterminated; sid:16;)", "\"unterminated", "missing closing", 16},
      {"alert tcp any any -> any any (content:\"a\"; nocase:1; sid:17;)", "nocase", "takes no value", 17},
      {"alert tcp any any -> any any (msg; sid:18;)", "msg", "needs a value", 18},
  };
  for (const Case& c : cases) {
    RuleError e = parseFails(c.text);
    EXPECT_NE(e.reason.find(c.reason_part), std::string::npos) << c.text << " -> " << e.reason;
    EXPECT_EQ(e.column, c.text.find(c.at) + 1) << c.text << " -> " << e.reason;
    EXPECT_EQ(e.sid, c.sid) << c.text;
  }
}

TEST(RuleParserTest, StructuralErrors) {
  EXPECT_NE(parseFails("alert tcp any any -> any any").reason.find("expected '('"), std::string::npos);
  EXPECT_NE(parseFails("alert tcp any any ->").reason.find("incomplete rule header"), std::string::npos);
  RuleError unclosed = parseFails("alert tcp any any -> any any (sid:1;");
  EXPECT_NE(unclosed.reason.find("missing ')'"), std::string::npos);
  EXPECT_EQ(unclosed.sid, 1u);
  EXPECT_EQ(unclosed.column, 37u);
  EXPECT_NE(parseFails("alert tcp any any -> any any (msg:\"x\";)").reason.find("no sid"), std::string::npos);
  EXPECT_NE(parseFails("alert tcp any any -> any any (sid:0;)").reason.find("must not be 0"), std::string::npos);
  EXPECT_NE(parseFails("alert tcp any any -> any any (sid:1;) trailing").reason.find("missing ')'"),
            std::string::npos);
  EXPECT_NE(parseFails("alert tcp any any -> any any extra (sid:1;)").reason.find("expected '('"),
            std::string::npos);
  RuleError e = parseFails("alert tcp any any -> any any (sid:1; :x;)");
  EXPECT_EQ(e.reason, "expected a keyword");
}

TEST(RuleParserTest, FilesCommentsContinuationsAndBadRulesSkipped) {
  std::string text =
      "# a comment\n"
      "\n"
      "#alert tcp any any -> any any (msg:\"disabled\"; sid:100;)\n"
      "alert tcp any any -> any any (msg:\"one\"; sid:1;)\r\n"
      "alert tcp any any -> any any (msg:\"two\"; \\\n"
      "   content:\"abc\"; \\\n"
      "   lua:detect.lua; sid:2;)\n"
      "   alert udp any any -> any any (msg:\"three\"; sid:3;)\n"
      "alert tcp any any -> any any (msg:\"dup\"; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"bad\"; sid:4; bogus;)\n"
      "alert tcp any any -> any any (msg:\"four\"; \\\n"
      "   sid:5;)\n";
  RuleParser parser;
  ParsedRules out;
  parser.parseText(text, "local.rules", out);
  ASSERT_EQ(out.rules.size(), 3u);
  EXPECT_EQ(out.rules[0].sid, 1u);
  EXPECT_EQ(out.rules[0].line, 4u);
  EXPECT_EQ(out.rules[1].sid, 3u);
  EXPECT_EQ(out.rules[1].line, 8u);
  EXPECT_EQ(out.rules[2].sid, 5u);
  EXPECT_EQ(out.rules[2].line, 11u);
  EXPECT_EQ(out.rules[2].text, "alert tcp any any -> any any (msg:\"four\";    sid:5;)");
  ASSERT_EQ(out.errors.size(), 3u);
  // The unsupported keyword sits on the third physical line of the continued rule.
  EXPECT_EQ(out.errors[0].line, 7u);
  EXPECT_EQ(out.errors[0].column, 4u);
  EXPECT_EQ(out.errors[0].sid, 2u);
  EXPECT_EQ(out.errors[0].reason, "unsupported keyword 'lua'");
  EXPECT_EQ(out.errors[1].line, 9u);
  EXPECT_NE(out.errors[1].reason.find("duplicate sid 1"), std::string::npos);
  EXPECT_NE(out.errors[1].reason.find("local.rules:4"), std::string::npos);
  EXPECT_EQ(out.errors[2].line, 10u);
  EXPECT_EQ(out.errors[2].reason, "unsupported keyword 'bogus'");
  EXPECT_EQ(out.errors[2].file, "local.rules");
}

TEST(RuleParserTest, ContinuationAtEndOfFile) {
  RuleParser parser;
  ParsedRules out;
  parser.parseText("alert tcp any any -> any any (sid:1;)\\", "f", out);
  ASSERT_EQ(out.rules.size(), 1u);
}

TEST(RuleParserTest, CustomVariablesAndClassifications) {
  RuleVariables vars;
  vars.setAddressGroup("HOME_NET", "[198.51.100.0/24]");
  vars.setPortGroup("HTTP_PORTS", "[80,8080]");
  ClassificationTable classes = ClassificationTable::suricataDefaults();
  EXPECT_EQ(classes.loadConfig("# c\nconfig classification: my-class,My Class,2\nconfig classification: broken\n"), 1u);
  RuleParser parser(vars, classes);
  RuleError error;
  auto rule = parser.parseRule("alert tcp any any -> $HOME_NET $HTTP_PORTS (classtype:my-class; sid:1;)", "f", 1, error);
  ASSERT_TRUE(rule) << error.toString();
  EXPECT_TRUE(rule->destination.matches(ip("198.51.100.7")));
  EXPECT_FALSE(rule->destination.matches(ip("10.0.0.1")));
  EXPECT_TRUE(rule->destination_ports.matches(8080));
  EXPECT_EQ(rule->category, "My Class");
  EXPECT_EQ(rule->priority, 2);
}

TEST(ClassificationTableTest, SuricataDefaults) {
  ClassificationTable t = ClassificationTable::suricataDefaults();
  EXPECT_EQ(t.size(), 43u);
  const Classification* c = t.find("trojan-activity");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->description, "A Network Trojan was detected");
  EXPECT_EQ(c->priority, 1);
  EXPECT_EQ(t.find("bad-unknown")->description, "Potentially Bad Traffic");
  EXPECT_EQ(t.find("bad-unknown")->priority, 2);
  EXPECT_EQ(t.find("nope"), nullptr);
}

TEST(RuleParserTest, ARuleTooLongIsAnErrorAtItsLineAndTheRestLoad) {
  const std::string huge(1 << 20, 'x');
  const std::string text = "alert tcp any any -> any any (msg:\"one\"; sid:1;)\n"
                           "alert tcp any any -> any any (msg:\"" + huge + "\"; sid:2;)\n"
                           "alert tcp any any -> any any (msg:\"cont \\\n" + huge + "\"; sid:3;)\n"
                           "alert tcp any any -> any any (msg:\"four\"; sid:4;)\n";
  RuleParser parser;
  ParsedRules out;
  const auto start = std::chrono::steady_clock::now();
  parser.parseText(text, "big.rules", out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_EQ(out.rules.size(), 2u);
  EXPECT_EQ(out.rules[0].sid, 1u);
  EXPECT_EQ(out.rules[1].sid, 4u);
  EXPECT_EQ(out.rules[1].line, 5u) << "the line after the continued rule's two lines";
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0].toString(), "big.rules:2:1: rule longer than 65536 bytes (not read)");
  EXPECT_EQ(out.errors[1].line, 3u);
}

TEST(RuleParserTest, ARuleFileThatNeverEndsOrIsHugeIsNotRead) {
  RuleParser parser;
  ParsedRules out;
  EXPECT_FALSE(parser.parseFile("/dev/zero", out));
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].reason, "not a regular file");

  // A sparse file: 257 MiB of nothing, read as far as the cap and no further.
  std::string huge = test::tempDir() + "/huge.rules";
  std::ofstream{huge};
  std::filesystem::resize_file(huge, size_t{257} << 20);
  EXPECT_FALSE(parser.parseFile(huge, out));
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[1].reason, "larger than 256 MiB (not read)");
}

TEST(RuleParserTest, ParseFileReportsUnreadableFile) {
  RuleParser parser;
  ParsedRules out;
  EXPECT_FALSE(parser.parseFile("/nonexistent/x.rules", out));
  ASSERT_EQ(out.errors.size(), 1u);
  std::string dir = test::tempDir();
  {
    std::ofstream f(dir + "/a.rules");
    f << "alert tcp any any -> any any (sid:1;)\n";
  }
  EXPECT_TRUE(parser.parseFile(dir + "/a.rules", out));
  ASSERT_EQ(out.rules.size(), 1u);
  EXPECT_EQ(out.rules[0].file, dir + "/a.rules");
}

}  // namespace
}  // namespace mamori
