#include <gtest/gtest.h>

#include "rules/address_matcher.h"
#include "rules/interval_set.h"
#include "rules/port_matcher.h"
#include "rules/rule_variables.h"

namespace mamori {
namespace {

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

AddressMatcher address(const std::string& expression, const RuleVariables& vars = {}) {
  AddressMatcher m;
  ExpressionError error;
  EXPECT_TRUE(AddressMatcher::compile(expression, vars, m, error)) << expression << ": " << error.reason;
  return m;
}

ExpressionError addressError(const std::string& expression, const RuleVariables& vars = {}) {
  AddressMatcher m;
  ExpressionError error;
  EXPECT_FALSE(AddressMatcher::compile(expression, vars, m, error)) << expression;
  return error;
}

PortMatcher ports(const std::string& expression, const RuleVariables& vars = {}) {
  PortMatcher m;
  ExpressionError error;
  EXPECT_TRUE(PortMatcher::compile(expression, vars, m, error)) << expression << ": " << error.reason;
  return m;
}

ExpressionError portError(const std::string& expression, const RuleVariables& vars = {}) {
  PortMatcher m;
  ExpressionError error;
  EXPECT_FALSE(PortMatcher::compile(expression, vars, m, error)) << expression;
  return error;
}

TEST(IntervalSetTest, MergesComplementsAndSubtracts) {
  IntervalSet<uint16_t> s;
  s.add(10, 20);
  s.add(21, 30);  // adjacent: merged
  s.add(5, 12);
  ASSERT_EQ(s.ranges().size(), 1u);
  EXPECT_EQ(s.ranges()[0].lo, 5);
  EXPECT_EQ(s.ranges()[0].hi, 30);
  IntervalSet<uint16_t> c = s.complement();
  ASSERT_EQ(c.ranges().size(), 2u);
  EXPECT_TRUE(c.contains(0));
  EXPECT_TRUE(c.contains(65535));
  EXPECT_FALSE(c.contains(5));
  EXPECT_TRUE(IntervalSet<uint16_t>::full().complement().empty());
  EXPECT_TRUE(IntervalSet<uint16_t>{}.complement().isFull());
  IntervalSet<uint16_t> hole;
  hole.add(15, 15);
  IntervalSet<uint16_t> d = s.subtract(hole);
  EXPECT_TRUE(d.contains(14));
  EXPECT_FALSE(d.contains(15));
  EXPECT_TRUE(d.contains(16));
}

TEST(AddressMatcherTest, AnyMatchesBothFamilies) {
  AddressMatcher m = address("any");
  EXPECT_TRUE(m.isAny());
  EXPECT_TRUE(m.matches(ip("1.2.3.4")));
  EXPECT_TRUE(m.matches(ip("2001:db8::1")));
}

TEST(AddressMatcherTest, SingleAndCidrV4) {
  EXPECT_TRUE(address("10.1.2.3").matches(ip("10.1.2.3")));
  EXPECT_FALSE(address("10.1.2.3").matches(ip("10.1.2.4")));
  AddressMatcher net = address("10.1.0.0/16");
  EXPECT_TRUE(net.matches(ip("10.1.255.255")));
  EXPECT_FALSE(net.matches(ip("10.2.0.0")));
  EXPECT_FALSE(net.matches(ip("2001:db8::1")));
  // Host bits are ignored, as in Suricata.
  EXPECT_TRUE(address("10.1.2.3/8").matches(ip("10.200.0.1")));
  EXPECT_TRUE(address("0.0.0.0/0").matches(ip("255.255.255.255")));
  EXPECT_TRUE(address("192.168.1.0/255.255.255.0").matches(ip("192.168.1.77")));
  EXPECT_FALSE(address("192.168.1.0/255.255.255.0").matches(ip("192.168.2.1")));
}

TEST(AddressMatcherTest, CidrV6) {
  AddressMatcher m = address("2001:db8::/32");
  EXPECT_TRUE(m.matches(ip("2001:db8:ffff::1")));
  EXPECT_FALSE(m.matches(ip("2001:db9::1")));
  EXPECT_FALSE(m.matches(ip("10.0.0.1")));
  EXPECT_TRUE(address("::/0").matches(ip("ffff::1")));
  EXPECT_TRUE(address("fe80::1/128").matches(ip("fe80::1")));
  EXPECT_FALSE(address("fe80::1/128").matches(ip("fe80::2")));
}

TEST(AddressMatcherTest, Ranges) {
  AddressMatcher m = address("10.0.0.5-10.0.0.9");
  EXPECT_FALSE(m.matches(ip("10.0.0.4")));
  EXPECT_TRUE(m.matches(ip("10.0.0.7")));
  EXPECT_FALSE(m.matches(ip("10.0.0.10")));
  addressError("10.0.0.9-10.0.0.5");
  addressError("10.0.0.1-::1");
}

TEST(AddressMatcherTest, ListsNegationAndNesting) {
  AddressMatcher m = address("[10.0.0.0/8, !10.1.0.0/16, 192.168.1.1]");
  EXPECT_TRUE(m.matches(ip("10.2.0.1")));
  EXPECT_FALSE(m.matches(ip("10.1.0.1")));
  EXPECT_TRUE(m.matches(ip("192.168.1.1")));
  EXPECT_FALSE(m.matches(ip("192.168.1.2")));

  AddressMatcher not_one = address("!1.2.3.4");
  EXPECT_FALSE(not_one.matches(ip("1.2.3.4")));
  EXPECT_TRUE(not_one.matches(ip("1.2.3.5")));
  EXPECT_TRUE(not_one.matches(ip("::1")));

  AddressMatcher only_negated = address("[!1.2.3.4]");
  EXPECT_FALSE(only_negated.matches(ip("1.2.3.4")));
  EXPECT_TRUE(only_negated.matches(ip("8.8.8.8")));

  AddressMatcher nested = address("[[10.0.0.0/8,![10.1.0.0/16,10.2.0.0/16]],172.16.0.1]");
  EXPECT_TRUE(nested.matches(ip("10.3.0.1")));
  EXPECT_FALSE(nested.matches(ip("10.2.0.1")));
  EXPECT_TRUE(nested.matches(ip("172.16.0.1")));
}

TEST(AddressMatcherTest, SuricataDefaultVariables) {
  RuleVariables vars;
  AddressMatcher home = address("$HOME_NET", vars);
  EXPECT_TRUE(home.matches(ip("192.168.10.1")));
  EXPECT_TRUE(home.matches(ip("172.31.255.255")));
  EXPECT_FALSE(home.matches(ip("172.32.0.0")));
  EXPECT_FALSE(home.matches(ip("2001:db8::1")));
  AddressMatcher external = address("$EXTERNAL_NET", vars);
  EXPECT_FALSE(external.matches(ip("10.9.8.7")));
  EXPECT_TRUE(external.matches(ip("8.8.8.8")));
  EXPECT_TRUE(external.matches(ip("2001:db8::1")));
  EXPECT_TRUE(address("$HTTP_SERVERS", vars).matches(ip("10.0.0.80")));
  EXPECT_TRUE(address("$AIM_SERVERS", vars).matches(ip("64.12.0.1")));
}

TEST(AddressMatcherTest, OverriddenVariableChangesDependents) {
  RuleVariables vars;
  vars.setAddressGroup("HOME_NET", "[100.64.0.0/10]");
  EXPECT_TRUE(address("$HTTP_SERVERS", vars).matches(ip("100.64.1.1")));
  EXPECT_TRUE(address("$EXTERNAL_NET", vars).matches(ip("10.0.0.1")));
}

TEST(AddressMatcherTest, Errors) {
  EXPECT_EQ(addressError("$NOPE").reason, "unknown variable '$NOPE'");
  EXPECT_EQ(addressError("[1.2.3.4,bogus]").offset, 9u);
  EXPECT_NE(addressError("[1.2.3.4").reason.find("unterminated"), std::string::npos);
  addressError("1.2.3.4/33");
  addressError("::1/129");
  addressError("1.2.3.4/255.0.255.0");
  addressError("1.2.3.4/0.0.0.1");  // no leading one: was a 32-bit shift by 32 (fuzz/rule_parser_fuzz)
  addressError("!any");
  addressError("[1.0.0.0/8,!1.0.0.0/8]");
  addressError("");
  addressError("[]");
  addressError("1.2.3.4 5.6.7.8");
  RuleVariables vars;
  vars.setAddressGroup("A", "[$B,1.1.1.1]");
  vars.setAddressGroup("B", "$A");
  EXPECT_NE(addressError("$A", vars).reason.find("refers to itself"), std::string::npos);
  vars.setAddressGroup("SELF", "$SELF");
  EXPECT_NE(addressError("[1.1.1.1,$SELF]", vars).reason.find("refers to itself"), std::string::npos);
  EXPECT_NE(addressError(std::string(500, '[')).reason.find("deeply"), std::string::npos);
}

TEST(PortMatcherTest, SinglesRangesAndOpenRanges) {
  EXPECT_TRUE(ports("any").isAny());
  EXPECT_TRUE(ports("80").matches(80));
  EXPECT_FALSE(ports("80").matches(81));
  PortMatcher range = ports("1000:2000");
  EXPECT_TRUE(range.matches(1000));
  EXPECT_TRUE(range.matches(2000));
  EXPECT_FALSE(range.matches(2001));
  EXPECT_TRUE(ports("1024:").matches(65535));
  EXPECT_FALSE(ports("1024:").matches(1023));
  EXPECT_TRUE(ports(":1023").matches(0));
  EXPECT_FALSE(ports(":1023").matches(1024));
  EXPECT_TRUE(ports("0").matches(0));
  EXPECT_TRUE(ports("65535").matches(65535));
}

TEST(PortMatcherTest, ListsNegationAndVariables) {
  PortMatcher m = ports("[80, 8000:8100, !8080]");
  EXPECT_TRUE(m.matches(80));
  EXPECT_TRUE(m.matches(8081));
  EXPECT_FALSE(m.matches(8080));
  EXPECT_FALSE(m.matches(443));
  PortMatcher not_http = ports("!$HTTP_PORTS");
  EXPECT_FALSE(not_http.matches(80));
  EXPECT_TRUE(not_http.matches(443));
  PortMatcher file_data = ports("$FILE_DATA_PORTS");
  EXPECT_TRUE(file_data.matches(80));
  EXPECT_TRUE(file_data.matches(110));
  EXPECT_TRUE(file_data.matches(143));
  EXPECT_FALSE(file_data.matches(25));
  EXPECT_FALSE(ports("$SHELLCODE_PORTS").matches(80));
  EXPECT_TRUE(ports("$SHELLCODE_PORTS").matches(81));
  EXPECT_TRUE(ports("[$SSH_PORTS,$ORACLE_PORTS,$GENEVE_PORTS,$VXLAN_PORTS,$TEREDO_PORTS]").matches(3544));
}

TEST(PortMatcherTest, Errors) {
  portError("65536");
  portError("80:79");
  portError(":");
  portError("-1");
  portError("http");
  portError("!any");
  portError("[80,!80]");
  EXPECT_EQ(portError("[80,$NOPE]").offset, 4u);
  RuleVariables vars;
  vars.setPortGroup("LOOP", "[1,$LOOP]");
  EXPECT_NE(portError("$LOOP", vars).reason.find("refers to itself"), std::string::npos);
}

}  // namespace
}  // namespace mamori
