#include "applayer/snmp_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "applayer/snmp_message_decoder.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"
#include "tests/applayer/snmp_builder.h"

namespace mamori {
namespace {

using namespace test::snmp;
using Records = test::ProtocolRecords;

const std::vector<uint64_t> kSysName = {1, 3, 6, 1, 2, 1, 1, 5, 0};

Records feed(const std::vector<Bytes>& datagrams) {
  auto p = SnmpProtocol().newParser(AppProtocol::kUdp, nullptr);
  Records r;
  for (const Bytes& d : datagrams) p->onData(Direction::ToServer, d.data(), d.size(), r);
  p->onEnd(r);
  return r;
}

bool has(const Records& r, size_t i, AppLayerEvent e) { return r.events.at(i).test(static_cast<size_t>(e)); }

TEST(SnmpProtocol, AV2cGetIsOneRecordWithItsCommunityAndVariables) {
  const Records r = feed({community(1, "public", pdu(0, 42, {kSysName, {1, 3, 6, 1, 4, 1, 2021, 300000}}))});
  ASSERT_EQ(r.eve.size(), 1u);
  EXPECT_EQ(r.bad, 0);
  EXPECT_TRUE(r.logged[0]);
  EXPECT_EQ(r.values(0, "snmp.version"), std::vector<std::string>{test::be32(2)});
  EXPECT_EQ(r.values(0, "snmp.pdu_type"), std::vector<std::string>{test::be32(0)});
  EXPECT_EQ(r.values(0, "snmp.community"), std::vector<std::string>{"public"});
  EXPECT_TRUE(r.values(0, "snmp.usm").empty());
  const rapidjson::Document eve = r.json(0);
  ASSERT_TRUE(eve.IsObject()) << r.eve[0];
  EXPECT_EQ(eve["version"].GetUint(), 2u);
  EXPECT_STREQ(eve["pdu_type"].GetString(), "get_request");
  ASSERT_EQ(eve["vars"].Size(), 2u);
  EXPECT_STREQ(eve["vars"][0].GetString(), "1.3.6.1.2.1.1.5.0");
  EXPECT_STREQ(eve["vars"][1].GetString(), "1.3.6.1.4.1.2021.300000") << "multi-byte arcs";
  EXPECT_STREQ(eve["community"].GetString(), "public");
  EXPECT_TRUE(r.events[0].none());
  test::expectEveObjectsMatchSchema("snmp", r.eve);
}

TEST(SnmpProtocol, AV1TrapCarriesItsTypeEnterpriseAndAgent) {
  const Records r = feed({community(0, "traps", trapV1({1, 3, 6, 1, 4, 1, 9}, {192, 0, 2, 7}, 3, {kSysName}))});
  ASSERT_EQ(r.eve.size(), 1u);
  const rapidjson::Document eve = r.json(0);
  EXPECT_EQ(eve["version"].GetUint(), 1u);
  EXPECT_STREQ(eve["pdu_type"].GetString(), "trap_v1");
  EXPECT_STREQ(eve["trap_type"].GetString(), "LinkUp");
  EXPECT_STREQ(eve["trap_oid"].GetString(), "1.3.6.1.4.1.9");
  EXPECT_STREQ(eve["trap_address"].GetString(), "192.0.2.7");
  EXPECT_EQ(r.values(0, "snmp.pdu_type"), std::vector<std::string>{test::be32(4)});
  test::expectEveObjectsMatchSchema("snmp", r.eve);
}

TEST(SnmpProtocol, V3GivesItsUsmUserAndAnEncryptedPduIsSaidSo) {
  const Records r = feed({v3("admin", 4, pdu(5, 1, {kSysName})), v3("admin", 7, {})});
  ASSERT_EQ(r.eve.size(), 2u);
  EXPECT_EQ(r.values(0, "snmp.usm"), std::vector<std::string>{"admin"});
  EXPECT_TRUE(r.values(0, "snmp.community").empty());
  EXPECT_EQ(r.values(0, "snmp.pdu_type"), std::vector<std::string>{test::be32(5)});
  EXPECT_STREQ(r.json(0)["pdu_type"].GetString(), "get_bulk_request");
  EXPECT_EQ(r.json(0)["version"].GetUint(), 3u);
  EXPECT_STREQ(r.json(1)["pdu_type"].GetString(), "encrypted");
  EXPECT_FALSE(r.json(1).HasMember("vars"));
  EXPECT_STREQ(r.json(1)["usm"].GetString(), "admin");
  EXPECT_TRUE(r.values(1, "snmp.pdu_type").empty()) << "a sealed PDU has no type to compare";
  test::expectEveObjectsMatchSchema("snmp", r.eve);
}

TEST(SnmpProtocol, EventsAsSuricataRaisesThem) {
  const Records r = feed({community(1, "public", pdu(0, 1, {kSysName})), community(0, "public", pdu(2, 1, {kSysName})),
                          v3("x", 4, pdu(0, 1, {kSysName}), 99), Bytes{0x30, 0x03, 0x02, 0x01, 0x07}});
  ASSERT_EQ(r.eve.size(), 4u);
  EXPECT_TRUE(r.events[0].none());
  EXPECT_TRUE(has(r, 1, AppLayerEvent::SnmpVersionMismatch));
  EXPECT_EQ(r.json(1)["version"].GetUint(), 2u) << "the flow's version, as Suricata logs it";
  EXPECT_TRUE(has(r, 2, AppLayerEvent::SnmpUnknownSecurityModel));
  EXPECT_TRUE(has(r, 2, AppLayerEvent::SnmpVersionMismatch));
  EXPECT_FALSE(r.json(2).HasMember("usm"));
  EXPECT_TRUE(has(r, 3, AppLayerEvent::SnmpMalformedData));
  EXPECT_FALSE(r.logged[3]) << "inspected for the event, not logged";
  EXPECT_EQ(r.bad, 1);
}

TEST(SnmpProtocol, TruncatedAndHostileMessagesAreRefused) {
  Bytes good = community(1, "public", pdu(1, 9, {kSysName}));
  for (size_t cut = 0; cut < good.size(); ++cut) {
    SnmpMessage m;
    EXPECT_FALSE(SnmpMessageDecoder::decode(good.data(), cut, m)) << cut;
  }
  const Bytes bad_pdu = community(1, "public", tlv(0xa9, {}));
  const Bytes bad_version = community(2, "public", pdu(0, 1, {kSysName}));
  const Bytes huge_length = {0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01};
  for (const Bytes& b : {bad_pdu, bad_version, huge_length}) {
    SnmpMessage m;
    EXPECT_FALSE(SnmpMessageDecoder::decode(b.data(), b.size(), m));
  }
  std::string text;
  EXPECT_FALSE(SnmpMessageDecoder::appendOid("\x2b\x86", text)) << "an arc cut short";
  text.clear();
  EXPECT_FALSE(SnmpMessageDecoder::appendOid(std::string(11, '\xff') + "\x01", text)) << "an arc past 64 bits";
}

TEST(SnmpProtocol, ProbeTakesTheEnvelopeOnItsPortsOnly) {
  const Bytes v2 = community(1, "public", pdu(0, 1, {kSysName})), v3m = v3("u", 4, pdu(0, 1, {kSysName}));
  const Bytes ldap = {0x30, 0x05, 0x02, 0x01, 0x01, 0x60, 0x00};
  EXPECT_EQ(SnmpProtocol().probe(AppProtocol::kUdp, Direction::ToServer, v2.data(), v2.size()), ProbeResult::Match);
  EXPECT_EQ(SnmpProtocol().probe(AppProtocol::kUdp, Direction::ToServer, v3m.data(), v3m.size()), ProbeResult::Match);
  EXPECT_EQ(SnmpProtocol().probe(AppProtocol::kUdp, Direction::ToServer, ldap.data(), ldap.size()), ProbeResult::NoMatch);
  EXPECT_TRUE(SnmpProtocol().probesUsualPortsOnly());
  EXPECT_TRUE(SnmpProtocol().usualPort(161) && SnmpProtocol().usualPort(162));
}

}  // namespace
}  // namespace mamori
