#include "applayer/ldap_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <string>

#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/ldap_builder.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using namespace test::ldap;
using Records = test::ProtocolRecords;

void feed(AppProtocolParser& p, Direction dir, const Bytes& b, ProtocolSink& sink) { p.onData(dir, b.data(), b.size(), sink); }

using test::be32;

std::unique_ptr<AppProtocolParser> tcpParser() { return LdapProtocol().newParser(AppProtocol::kTcp, nullptr); }

TEST(LdapProtocol, ARequestIsInspectedAtOnceAndItsTransactionWrittenWithItsLastResponse) {
  auto p = tcpParser();
  Records r;
  feed(*p, Direction::ToServer, message(2, searchRequest("dc=example,dc=org", {"cn", "mail"})), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_EQ(r.dirs[0], Direction::ToServer);
  EXPECT_FALSE(r.logged[0]) << "written with its answer";
  EXPECT_EQ(r.values(0, "ldap.request.operation"), std::vector<std::string>{be32(3)});
  EXPECT_EQ(r.values(0, "ldap.request.dn"), std::vector<std::string>{"dc=example,dc=org"});
  EXPECT_EQ(r.values(0, "ldap.request.attribute_type"), (std::vector<std::string>{"cn", "mail"}));

  feed(*p, Direction::ToClient,
       cat({message(2, searchEntry("cn=alice,dc=example,dc=org", {"cn"})), message(2, searchEntry("cn=bob,dc=example,dc=org", {"mail"}))}),
       r);
  EXPECT_EQ(r.dirs.size(), 1u) << "entries do not end a search";
  feed(*p, Direction::ToClient, message(2, result(5, 0, "", "")), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(r.dirs[1], Direction::ToClient);
  EXPECT_TRUE(r.logged[1]);
  EXPECT_EQ(r.ids[1], r.ids[0]) << "one transaction";
  EXPECT_EQ(r.values(1, "ldap.responses.operation"), (std::vector<std::string>{be32(4), be32(4), be32(5)}));
  EXPECT_EQ(r.values(1, "ldap.responses.dn"),
            (std::vector<std::string>{"cn=alice,dc=example,dc=org", "cn=bob,dc=example,dc=org", ""}));
  EXPECT_EQ(r.values(1, "ldap.responses.result_code"), std::vector<std::string>{be32(0)});
  EXPECT_EQ(r.values(1, "ldap.responses.count"), std::vector<std::string>{be32(3)});
  EXPECT_EQ(r.values(1, "ldap.responses.attribute_type"), (std::vector<std::string>{"cn", "mail"}));

  const rapidjson::Document eve = r.json(1);
  ASSERT_TRUE(eve.IsObject()) << r.eve[1];
  EXPECT_STREQ(eve["request"]["operation"].GetString(), "search_request");
  EXPECT_STREQ(eve["request"]["search_request"]["base_object"].GetString(), "dc=example,dc=org");
  ASSERT_EQ(eve["responses"].Size(), 3u);
  EXPECT_STREQ(eve["responses"][2]["search_result_done"]["result_code"].GetString(), "success");
  EXPECT_EQ(r.bad, 0);
}

TEST(LdapProtocol, AnUnsolicitedResponseIsATransactionOfItsOwn) {
  auto p = tcpParser();
  Records r;
  const std::string oid = "1.3.6.1.4.1.1466.20036";
  feed(*p, Direction::ToClient, message(0, result(24, 52, "", "shutting down", tlv(0x8a, Bytes(oid.begin(), oid.end())))), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_TRUE(r.logged[0]);
  EXPECT_EQ(r.values(0, "ldap.responses.operation"), std::vector<std::string>{be32(24)});
  EXPECT_EQ(r.values(0, "ldap.responses.message"), std::vector<std::string>{"shutting down"});
  const rapidjson::Document eve = r.json(0);
  EXPECT_FALSE(eve.HasMember("request"));
  EXPECT_STREQ(eve["responses"][0]["extended_response"]["result_code"].GetString(), "unavailable");
  EXPECT_STREQ(eve["responses"][0]["extended_response"]["name"].GetString(), oid.c_str());
}

TEST(LdapProtocol, UnbindIsWrittenAtOnceAndWhatIsOpenAtTheEnd) {
  auto p = tcpParser();
  Records r;
  feed(*p, Direction::ToServer, message(1, simpleBind("cn=admin", "x")), r);
  feed(*p, Direction::ToServer, message(2, unbind()), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_FALSE(r.logged[0]);
  EXPECT_TRUE(r.logged[1]) << "nothing answers an unbind";
  EXPECT_TRUE(r.values(1, "ldap.responses.count").empty());
  p->onEnd(r);
  ASSERT_EQ(r.dirs.size(), 3u);
  EXPECT_TRUE(r.logged[2]);
  EXPECT_EQ(r.ids[2], r.ids[0]) << "the unanswered bind";
  EXPECT_STREQ(r.json(2)["request"]["bind_request"]["name"].GetString(), "cn=admin");
}

TEST(LdapProtocol, MessagesSplitAnywhereAcrossSegmentsReadTheSame) {
  const Bytes stream = cat({message(1, simpleBind("cn=a", "b")), message(2, searchRequest("dc=x", {"cn"}))});
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    auto p = tcpParser();
    Records r;
    feed(*p, Direction::ToServer, Bytes(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(cut)), r);
    feed(*p, Direction::ToServer, Bytes(stream.begin() + static_cast<std::ptrdiff_t>(cut), stream.end()), r);
    ASSERT_EQ(r.dirs.size(), 2u) << cut;
    EXPECT_EQ(r.values(1, "ldap.request.dn"), std::vector<std::string>{"dc=x"}) << cut;
  }
}

TEST(LdapProtocol, AfterASuccessfulStartTlsNothingMoreIsParsedOrCountedMalformed) {
  auto p = tcpParser();
  Records r;
  feed(*p, Direction::ToServer, message(1, extendedRequest("1.3.6.1.4.1.1466.20037")), r);
  feed(*p, Direction::ToClient, message(1, result(24, 0, "", "")), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  feed(*p, Direction::ToServer, Bytes{0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5}, r);
  EXPECT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(r.bad, 0);
}

TEST(LdapProtocol, BytesThatAreNotLdapOrTooLongGiveUpTheDirectionCounted) {
  auto p = tcpParser();
  Records r;
  feed(*p, Direction::ToServer, Bytes{'G', 'E', 'T', ' ', '/'}, r);
  EXPECT_EQ(r.bad, 1);
  feed(*p, Direction::ToServer, message(1, unbind()), r);
  EXPECT_TRUE(r.dirs.empty()) << "the direction is given up";
  auto q = tcpParser();
  Records s;
  const Bytes too_long{0x30, 0x84, 0x01, 0x00, 0x00, 0x00};
  feed(*q, Direction::ToClient, too_long, s);
  EXPECT_EQ(s.bad, 1);
  // A message that does not decode is counted and the next one still read.
  auto u = LdapProtocol().newParser(AppProtocol::kUdp, nullptr);
  Records d;
  feed(*u, Direction::ToServer, message(2, op(3, cat({octets("dc=x")}))), d);
  feed(*u, Direction::ToServer, message(3, unbind()), d);
  EXPECT_EQ(d.bad, 1);
  EXPECT_EQ(d.dirs.size(), 1u);
}

TEST(LdapProtocol, AtMostItsBoundOfTransactionsAreOpenAndOfResponsesKept) {
  auto p = tcpParser();
  Records r;
  for (int id = 1; id <= static_cast<int>(LdapProtocol::kMaxOpen) + 2; ++id) feed(*p, Direction::ToServer, message(id, searchRequest("", {})), r);
  // Each request's record, and the two oldest written to make room.
  const auto logged = static_cast<size_t>(std::count(r.logged.begin(), r.logged.end(), true));
  EXPECT_EQ(logged, 2u);
  Records s;
  auto q = tcpParser();
  feed(*q, Direction::ToServer, message(1, searchRequest("", {})), s);
  for (int i = 0; i < 500; ++i) feed(*q, Direction::ToClient, message(1, searchEntry(std::string(64, 'x'), {"cn"})), s);
  feed(*q, Direction::ToClient, message(1, result(5, 0, "", "")), s);
  ASSERT_EQ(s.dirs.size(), 2u);
  EXPECT_EQ(s.values(1, "ldap.responses.count"), std::vector<std::string>{be32(501)}) << "every response counted";
  EXPECT_LT(s.values(1, "ldap.responses.operation").size(), 100u) << "not every one kept";
  EXPECT_LT(s.eve[1].size(), 3 * LdapProtocol::kMaxHeld);
}

}  // namespace
}  // namespace mamori

namespace mamori {
namespace {

TEST(LdapProtocol, EveObjectsOfEveryOperationMatchSuricatasSchema) {
  MAMORI_REQUIRE_SHARED();
  auto p = tcpParser();
  Records r;
  const std::string oid = "1.3.6.1.4.1.4203.1.11.3";
  const Bytes requests = cat({
      message(1, simpleBind("cn=admin", "x")), message(2, saslBind("GSSAPI")), message(3, searchRequest("dc=x", {"cn"})),
      message(4, op(6, cat({octets("cn=a"), tlv(0x30, seq({enumerated(2), seq({octets("mail"), tlv(0x31, octets("m"))})}))}))),
      message(5, op(8, cat({octets("cn=b"), tlv(0x30, seq({octets("cn"), tlv(0x31, octets("b"))}))}))),
      message(6, op(10, Bytes{'c', 'n', '=', 'c'}, true)),
      message(7, op(12, cat({octets("cn=d"), octets("cn=e"), boolean(true)}))),
      message(8, op(14, cat({octets("cn=f"), seq({octets("uid"), octets("f")})})))});
  feed(*p, Direction::ToServer, requests, r);
  const Bytes responses = cat({
      message(1, result(1, 49, "", "80090308: LdapErr")), message(3, searchEntry("cn=a,dc=x", {"cn"})),
      message(3, op(19, octets("ldap://other/dc=x"))), message(3, result(5, 0, "", "")), message(4, result(7, 50, "", "")),
      message(5, result(9, 68, "", "")), message(6, result(11, 32, "dc=x", "")), message(7, result(13, 0, "", "")),
      message(8, result(15, 6, "", ""))});
  feed(*p, Direction::ToClient, responses, r);
  feed(*p, Direction::ToServer, cat({message(9, op(16, Bytes{0x03}, true)), message(10, extendedRequest(oid)), message(11, unbind())}), r);
  feed(*p, Direction::ToClient,
       cat({message(10, op(25, tlv(0x80, Bytes(oid.begin(), oid.end())))),
            message(10, result(24, 0, "", "", tlv(0x8a, Bytes(oid.begin(), oid.end()))))}),
       r);
  p->onEnd(r);
  EXPECT_EQ(r.bad, 0);
  std::vector<std::string> logged;
  for (size_t i = 0; i < r.eve.size(); ++i) {
    if (r.logged[i]) logged.push_back(r.eve[i]);
  }
  EXPECT_EQ(logged.size(), 11u) << "one per request (the abandon's and the unbind's at once, the SASL bind's at the end)";
  test::expectEveObjectsMatchSchema("ldap", logged);
}

}  // namespace
}  // namespace mamori
