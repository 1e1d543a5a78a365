#include "applayer/dhcp_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using Bytes = std::vector<uint8_t>;
using Records = test::ProtocolRecords;

// A BOOTP header (RFC 2131 figure 1) with the magic cookie, then `options`.
Bytes message(uint8_t op, uint32_t xid, const Bytes& options, const Bytes& yiaddr = {0, 0, 0, 0}) {
  Bytes b(240, 0);
  b[0] = op;
  b[1] = 1;  // Ethernet
  b[2] = 6;
  for (int i = 0; i < 4; ++i) b[4 + i] = static_cast<uint8_t>(xid >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) b[16 + i] = yiaddr[i];
  const uint8_t mac[] = {0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42};
  std::copy(std::begin(mac), std::end(mac), b.begin() + 28);
  const uint8_t cookie[] = {99, 130, 83, 99};
  std::copy(std::begin(cookie), std::end(cookie), b.begin() + 236);
  b.insert(b.end(), options.begin(), options.end());
  return b;
}

Records feed(const Bytes& datagram, Direction dir = Direction::ToServer) {
  auto p = DhcpProtocol().newParser(AppProtocol::kUdp, nullptr);
  Records r;
  p->onData(dir, datagram.data(), datagram.size(), r);
  p->onEnd(r);
  return r;
}

TEST(DhcpProtocol, ADiscoverIsOneRecordWithSuricatasFields) {
  const Records r = feed(message(1, 0x3d1d,
                                 {53, 1, 1,                             // discover
                                  61, 7, 1, 0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42,  // client id, Ethernet
                                  50, 4, 192, 168, 0, 10,               // requested address
                                  12, 4, 'h', 'o', 's', 't',            // host name
                                  55, 4, 1, 3, 6, 42,                   // parameters
                                  60, 3, 'M', 'S', 'F', 255}));
  ASSERT_EQ(r.eve.size(), 1u);
  EXPECT_EQ(r.bad, 0);
  EXPECT_TRUE(r.logged[0]);
  EXPECT_TRUE(r.events[0].none());
  const rapidjson::Document eve = r.json(0);
  ASSERT_TRUE(eve.IsObject()) << r.eve[0];
  EXPECT_STREQ(eve["type"].GetString(), "request");
  EXPECT_EQ(eve["id"].GetUint(), 0x3d1du);
  EXPECT_STREQ(eve["client_mac"].GetString(), "00:0b:82:01:fc:42");
  EXPECT_STREQ(eve["assigned_ip"].GetString(), "0.0.0.0");
  EXPECT_STREQ(eve["client_ip"].GetString(), "0.0.0.0");
  EXPECT_FALSE(eve.HasMember("relay_ip")) << "a request's relay and next server are not logged";
  EXPECT_STREQ(eve["dhcp_type"].GetString(), "discover");
  EXPECT_STREQ(eve["client_id"].GetString(), "00:0b:82:01:fc:42") << "without the hardware type";
  EXPECT_STREQ(eve["requested_ip"].GetString(), "192.168.0.10");
  EXPECT_STREQ(eve["hostname"].GetString(), "host");
  ASSERT_EQ(eve["params"].Size(), 4u);
  EXPECT_STREQ(eve["params"][3].GetString(), "ntp_server");
  EXPECT_STREQ(eve["vendor_class_identifier"].GetString(), "MSF");
  EXPECT_TRUE(r.fields[0].empty()) << "a discover gives no times";
  test::expectEveObjectsMatchSchema("dhcp", r.eve);
}

TEST(DhcpProtocol, AnAckCarriesItsTimesForTheKeywords) {
  const Records r = feed(message(2, 7,
                                 {53, 1, 5, 51, 4, 0, 0, 0x0e, 0x10, 58, 4, 0, 0, 0x07, 0x08, 59, 4, 0, 0, 0x0c, 0x4e,
                                  1, 4, 255, 255, 255, 0, 3, 4, 192, 168, 0, 1, 6, 8, 8, 8, 8, 8, 1, 1, 1, 1, 255},
                                 {192, 168, 0, 10}),
                         Direction::ToClient);
  ASSERT_EQ(r.eve.size(), 1u);
  EXPECT_EQ(r.values(0, "dhcp.leasetime"), std::vector<std::string>{test::be32(3600)});
  EXPECT_EQ(r.values(0, "dhcp.renewal_time"), std::vector<std::string>{test::be32(1800)});
  EXPECT_EQ(r.values(0, "dhcp.rebinding_time"), std::vector<std::string>{test::be32(3150)});
  const rapidjson::Document eve = r.json(0);
  EXPECT_STREQ(eve["type"].GetString(), "reply");
  EXPECT_STREQ(eve["dhcp_type"].GetString(), "ack");
  EXPECT_STREQ(eve["assigned_ip"].GetString(), "192.168.0.10");
  EXPECT_STREQ(eve["relay_ip"].GetString(), "0.0.0.0");
  EXPECT_STREQ(eve["next_server_ip"].GetString(), "0.0.0.0");
  EXPECT_EQ(eve["lease_time"].GetUint(), 3600u);
  EXPECT_EQ(eve["renewal_time"].GetUint(), 1800u);
  EXPECT_EQ(eve["rebinding_time"].GetUint(), 3150u);
  EXPECT_STREQ(eve["subnet_mask"].GetString(), "255.255.255.0");
  EXPECT_STREQ(eve["routers"][0].GetString(), "192.168.0.1");
  ASSERT_EQ(eve["dns_servers"].Size(), 2u);
  EXPECT_STREQ(eve["dns_servers"][1].GetString(), "1.1.1.1");
  test::expectEveObjectsMatchSchema("dhcp", r.eve);
}

TEST(DhcpProtocol, OverloadedFileAndSnameFieldsAreReadForOptions) {
  Bytes m = message(2, 9, {53, 1, 2, 52, 1, 3, 255});
  const uint8_t in_file[] = {51, 4, 0, 1, 0x51, 0x80, 255};
  std::copy(std::begin(in_file), std::end(in_file), m.begin() + 108);
  const uint8_t in_sname[] = {12, 2, 's', 'n', 255};
  std::copy(std::begin(in_sname), std::end(in_sname), m.begin() + 44);
  const Records r = feed(m, Direction::ToClient);
  ASSERT_EQ(r.eve.size(), 1u);
  EXPECT_EQ(r.values(0, "dhcp.leasetime"), std::vector<std::string>{test::be32(86400)});
  EXPECT_STREQ(r.json(0)["hostname"].GetString(), "sn");
  EXPECT_TRUE(r.events[0].none());
}

TEST(DhcpProtocol, OptionsCutShortOrWithoutEndAreTruncated) {
  for (const Bytes& options : {Bytes{53, 1, 1, 12, 9, 'a'}, Bytes{53, 1, 1}, Bytes{53}}) {
    const Records r = feed(message(1, 1, options));
    ASSERT_EQ(r.eve.size(), 1u);
    EXPECT_TRUE(r.events[0].test(static_cast<size_t>(AppLayerEvent::DhcpTruncatedOptions)));
    EXPECT_FALSE(r.events[0].test(static_cast<size_t>(AppLayerEvent::DhcpMalformedOptions)));
  }
}

TEST(DhcpProtocol, OptionsOfTheWrongLengthAreMalformedAndNotLogged) {
  const Records r = feed(message(2, 1, {53, 1, 5, 51, 2, 0, 1, 61, 1, 1, 1, 3, 1, 2, 3, 3, 5, 1, 2, 3, 4, 5, 52, 1, 7, 255}));
  ASSERT_EQ(r.eve.size(), 1u);
  EXPECT_TRUE(r.events[0].test(static_cast<size_t>(AppLayerEvent::DhcpMalformedOptions)));
  EXPECT_FALSE(r.events[0].test(static_cast<size_t>(AppLayerEvent::DhcpTruncatedOptions)));
  EXPECT_TRUE(r.fields[0].empty());
  const rapidjson::Document eve = r.json(0);
  EXPECT_FALSE(eve.HasMember("lease_time"));
  EXPECT_FALSE(eve.HasMember("client_id"));
  EXPECT_FALSE(eve.HasMember("subnet_mask"));
  test::expectEveObjectsMatchSchema("dhcp", r.eve);
}

TEST(DhcpProtocol, HostileTextIsEscapedAndUnknownCodesAreLeftOut) {
  const Records r = feed(message(1, 1, {12, 3, '"', 0x01, 0xff, 55, 2, 200, 201, 53, 1, 99, 255}));
  ASSERT_EQ(r.eve.size(), 1u);
  const rapidjson::Document eve = r.json(0);
  ASSERT_TRUE(eve.IsObject()) << r.eve[0];
  EXPECT_STREQ(eve["hostname"].GetString(), "\"\x01\xef\xbf\xbd");
  EXPECT_FALSE(eve.HasMember("params")) << "no code Suricata names: no empty array";
  EXPECT_STREQ(eve["dhcp_type"].GetString(), "unknown");
}

TEST(DhcpProtocol, DatagramsThatAreNotDhcpAreCountedAndProbedAway) {
  Bytes no_cookie = message(1, 1, {255});
  no_cookie[236] = 0;
  const Bytes short_one(100, 1);
  for (const Bytes& b : {no_cookie, short_one}) {
    const Records r = feed(b);
    EXPECT_TRUE(r.eve.empty());
    EXPECT_EQ(r.bad, 1);
    EXPECT_EQ(DhcpProtocol().probe(AppProtocol::kUdp, Direction::ToServer, b.data(), b.size()), ProbeResult::NoMatch);
  }
  const Bytes good = message(1, 1, {255});
  EXPECT_EQ(DhcpProtocol().probe(AppProtocol::kUdp, Direction::ToServer, good.data(), good.size()), ProbeResult::Match);
  EXPECT_TRUE(DhcpProtocol().probesUsualPortsOnly());
}

TEST(DhcpProtocol, EachMessageIsATransactionOfItsOwn) {
  auto p = DhcpProtocol().newParser(AppProtocol::kUdp, nullptr);
  Records r;
  const Bytes discover = message(1, 5, {53, 1, 1, 255}), offer = message(2, 5, {53, 1, 2, 255});
  p->onData(Direction::ToServer, discover.data(), discover.size(), r);
  p->onData(Direction::ToServer, offer.data(), offer.size(), r);
  ASSERT_EQ(r.ids.size(), 2u);
  EXPECT_EQ(r.ids[0], 0u);
  EXPECT_EQ(r.ids[1], 1u);
}

}  // namespace
}  // namespace mamori
