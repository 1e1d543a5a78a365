#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "detect/address_classes.h"
#include "detect/signature_database.h"
#include "tests/detect/rule_set_builder.h"

namespace mamori {
namespace {

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

using test::buildRuleSet;

DecodedPacket packet(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint8_t proto = 6) {
  DecodedPacket pkt;
  pkt.src = ip(src);
  pkt.dst = ip(dst);
  pkt.ip_version = pkt.src.family;
  pkt.proto = proto;
  pkt.sport = sport;
  pkt.dport = dport;
  return pkt;
}

SignatureDatabase::Candidates headFor(const SignatureDatabase& db, bool stream, const DecodedPacket& pkt, bool to_server) {
  return db.candidatesFor(stream, pkt, to_server, db.addressClass(pkt.src), db.addressClass(pkt.dst));
}

std::vector<uint32_t> sidsOf(const SignatureDatabase& db, std::span<const uint32_t> indexes) {
  std::vector<uint32_t> sids;
  for (uint32_t i : indexes) sids.push_back(db.signature(i).rule.sid);
  std::sort(sids.begin(), sids.end());
  return sids;
}

TEST(AddressClassesTest, HomeAndElsewhereAcrossFamilies) {
  RuleVariables vars;
  AddressMatcher home, outside;
  ExpressionError error;
  ASSERT_TRUE(AddressMatcher::compile("[10.0.0.0/8,192.168.0.0/16,fd00::/8]", vars, home, error));
  ASSERT_TRUE(AddressMatcher::compile("![10.0.0.0/8,192.168.0.0/16,fd00::/8]", vars, outside, error));
  AddressClasses classes({&home, &outside, &outside});
  ASSERT_EQ(classes.count(), 2u);
  const uint8_t inside = classes.classOf(ip("10.1.2.3"));
  EXPECT_EQ(classes.classOf(ip("192.168.7.7")), inside);
  EXPECT_EQ(classes.classOf(ip("fd00::1")), inside);
  EXPECT_NE(classes.classOf(ip("8.8.8.8")), inside);
  EXPECT_EQ(classes.classOf(ip("2001:db8::1")), classes.classOf(ip("8.8.8.8")));
  EXPECT_TRUE(classes.mayMatch(home, inside));
  EXPECT_FALSE(classes.mayMatch(outside, inside));
  EXPECT_FALSE(classes.mayMatch(home, classes.classOf(ip("8.8.8.8"))));
}

TEST(AddressClassesTest, ExpressionsBeyondTheCapStayOut) {
  RuleVariables vars;
  AddressMatcher a, b, c;
  ExpressionError error;
  ASSERT_TRUE(AddressMatcher::compile("10.0.0.0/8", vars, a, error));
  ASSERT_TRUE(AddressMatcher::compile("172.16.0.0/12", vars, b, error));
  ASSERT_TRUE(AddressMatcher::compile("192.168.0.0/16", vars, c, error));
  AddressClasses classes({&a, &a, &b, &c});
  EXPECT_EQ(classes.count(), AddressClasses::kMaxClasses);
  // The most used expression cuts the space; the others share classes with addresses
  // outside them, so their rules are kept there too.
  EXPECT_NE(classes.classOf(ip("10.0.0.1")), classes.classOf(ip("11.0.0.1")));
  EXPECT_EQ(classes.classOf(ip("172.16.0.1")), classes.classOf(ip("11.0.0.1")));
  EXPECT_TRUE(classes.mayMatch(b, classes.classOf(ip("172.16.0.1"))));
  EXPECT_TRUE(classes.mayMatch(c, classes.classOf(ip("192.168.0.1"))));
  EXPECT_FALSE(classes.mayMatch(b, classes.classOf(ip("10.0.0.1"))));
}

TEST(SignatureGroupsTest, PortAndAddressKeepRulesApart) {
  auto db = buildRuleSet(
      "alert tcp any any -> any 80 (content:\"web\"; sid:1;)\n"
      "alert tcp $EXTERNAL_NET any -> $HOME_NET any (content:\"inbound\"; sid:2;)\n"
      "alert udp any any -> any 53 (dsize:>0; sid:3;)\n");
  ASSERT_NE(db, nullptr);
  // TCP content rules are stream rules. Port 53 inside the home network: neither of them.
  auto head = headFor(*db, true, packet("10.0.0.1", 40000, "10.0.0.2", 53), true);
  EXPECT_EQ(head.patterns, nullptr);
  EXPECT_TRUE(head.unprefiltered.empty());
  // Going out of the home network to port 80: only the port-80 rule's pattern.
  head = headFor(*db, true, packet("10.0.0.1", 40000, "8.8.8.8", 80), true);
  EXPECT_NE(head.patterns, nullptr);
  const hs_database* web_only = head.patterns;
  // Coming in to port 80: both rules, so another database.
  head = headFor(*db, true, packet("8.8.8.8", 40000, "10.0.0.1", 80), true);
  EXPECT_NE(head.patterns, nullptr);
  EXPECT_NE(head.patterns, web_only);
  // A reply inside the home network is keyed by its source port alone: the rule for
  // destination port 80 (any source port) stays a candidate, the inbound one does not.
  head = headFor(*db, true, packet("10.0.0.1", 80, "10.0.0.9", 40000), false);
  EXPECT_EQ(head.patterns, web_only);
  EXPECT_EQ(headFor(*db, false, packet("10.0.0.1", 40000, "8.8.8.8", 80), true).patterns, nullptr);
  head = headFor(*db, false, packet("9.9.9.9", 5, "10.0.0.1", 53, 17), true);
  EXPECT_EQ(sidsOf(*db, head.unprefiltered), std::vector<uint32_t>{3});
}

TEST(SignatureGroupsTest, FlowDirectionAndBidirectionalRules) {
  auto db = buildRuleSet(
      "alert tcp any 80 -> any any (flow:to_client; dsize:>0; sid:1;)\n"
      "alert tcp any any <> any 25 (dsize:>0; sid:2;)\n");
  ASSERT_NE(db, nullptr);
  auto to_server = headFor(*db, false, packet("1.1.1.1", 80, "2.2.2.2", 25), true);
  EXPECT_EQ(sidsOf(*db, to_server.unprefiltered), std::vector<uint32_t>{2});
  // Replies are keyed by their source port alone, so the `<>` rule (any source port) is
  // a candidate for the reply from port 80 too; verification rejects it there.
  auto back_from_80 = headFor(*db, false, packet("2.2.2.2", 80, "1.1.1.1", 4000), false);
  EXPECT_EQ(sidsOf(*db, back_from_80.unprefiltered), (std::vector<uint32_t>{1, 2}));
  auto back_from_25 = headFor(*db, false, packet("2.2.2.2", 25, "1.1.1.1", 4000), false);
  EXPECT_EQ(sidsOf(*db, back_from_25.unprefiltered), std::vector<uint32_t>{2});
}

// Whatever the rules and however many port groups they make (more than are kept apart,
// so some merge), a packet's group holds every rule whose header can match the packet.
TEST(SignatureGroupsTest, GroupHoldsEveryRuleThatCanMatch) {
  std::mt19937 rng(7);
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  const std::vector<std::string> protocols{"tcp", "udp", "ip", "icmp"};
  const std::vector<std::string> addresses{"any", "$HOME_NET", "$EXTERNAL_NET", "!$HOME_NET", "10.0.0.0/8"};
  const std::vector<std::string> ports{"any", "80", "[80,443]", "1024:", "!53", "53", "25", "[21:23,8080]", "$HTTP_PORTS",
                                       "5000:5100", "6667", "![80,443]", "3389", "445", "139", "11211"};
  const std::vector<std::string> flows{"", "flow:to_server; ", "flow:to_client; "};
  std::string text;
  for (int sid = 1; sid <= 300; ++sid) {
    text += "alert " + pick(protocols) + " " + pick(addresses) + " " + pick(ports) + (rng() % 4 ? " -> " : " <> ") +
            pick(addresses) + " " + pick(ports) + " (" + pick(flows) + "dsize:>0; sid:" + std::to_string(sid) + ";)\n";
  }
  auto db = buildRuleSet(text);
  ASSERT_NE(db, nullptr);
  const std::vector<const char*> hosts{"10.1.1.1", "192.168.3.4", "172.16.9.9", "8.8.8.8", "2001:db8::1", "fd00::5"};
  const std::vector<uint16_t> packet_ports{80, 443, 53, 25, 22, 8080, 5050, 6667, 1023, 1024, 65535, 0, 3389, 11211};
  const std::vector<uint8_t> packet_protocols{6, 17, 1, 47};
  size_t checked = 0;
  for (int n = 0; n < 5000; ++n) {
    const char* src = hosts[rng() % hosts.size()];
    const char* dst = hosts[rng() % hosts.size()];
    if (ip(src).family != ip(dst).family) continue;
    DecodedPacket pkt = packet(src, packet_ports[rng() % packet_ports.size()], dst,
                               packet_ports[rng() % packet_ports.size()],
                               packet_protocols[rng() % packet_protocols.size()]);
    const bool to_server = rng() % 2;
    const std::vector<uint32_t> group = sidsOf(*db, headFor(*db, false, pkt, to_server).unprefiltered);
    for (uint32_t i = 0; i < db->size(); ++i) {
      const Rule& r = db->signature(i).rule;
      if (!r.protocol.matches(pkt.ip_version, pkt.proto)) continue;
      if (to_server ? r.flow.to_client : r.flow.to_server) continue;
      const bool forward = r.source.matches(pkt.src) && r.source_ports.matches(pkt.sport) &&
                           r.destination.matches(pkt.dst) && r.destination_ports.matches(pkt.dport);
      const bool reverse = r.direction == RuleDirection::Bidirectional && r.source.matches(pkt.dst) &&
                           r.source_ports.matches(pkt.dport) && r.destination.matches(pkt.src) &&
                           r.destination_ports.matches(pkt.sport);
      if (!forward && !reverse) continue;
      ++checked;
      EXPECT_TRUE(std::binary_search(group.begin(), group.end(), r.sid))
          << "sid " << r.sid << " missing for " << src << ":" << pkt.sport << " -> " << dst << ":" << pkt.dport
          << " proto " << int(pkt.proto) << (to_server ? " to server" : " to client");
    }
  }
  EXPECT_GT(checked, 2000u);  // the draw exercised the groups
}

}  // namespace
}  // namespace mamori
