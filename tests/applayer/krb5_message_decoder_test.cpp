#include "applayer/krb5_message_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/applayer/krb5_builder.h"

namespace mamori {
namespace {

using namespace test::krb5;

std::vector<std::string> parts(const Krb5Name& n) { return {n.parts.begin(), n.parts.begin() + n.count}; }

bool decode(const Bytes& b, Krb5Message& m) { return Krb5MessageDecoder::decode(b.data(), b.size(), m); }

TEST(Krb5MessageDecoder, AsReqGivesTheBodysClientServerRealmAndEtypes) {
  Krb5Message m;
  const Bytes msg = kdcReq(10, {"alice"}, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"}, {18, 17, 23, -128});  // m points into it
  ASSERT_TRUE(decode(msg, m));
  EXPECT_EQ(m.type, Krb5MessageType::AsReq);
  EXPECT_EQ(parts(m.cname), (std::vector<std::string>{"alice"}));
  EXPECT_EQ(parts(m.sname), (std::vector<std::string>{"krbtgt", "EXAMPLE.ORG"}));
  EXPECT_EQ(m.realm, "EXAMPLE.ORG");
  EXPECT_FALSE(m.crealm_present);
  EXPECT_EQ(std::vector<int32_t>(m.etypes.begin(), m.etypes.begin() + m.etype_count),
            (std::vector<int32_t>{18, 17, 23, -128}));
  EXPECT_FALSE(m.enc_etype);
  EXPECT_FALSE(m.error_code);
}

TEST(Krb5MessageDecoder, TgsReqWithoutACnameHasNone) {
  Krb5Message m;
  const Bytes msg = kdcReq(12, {}, "EXAMPLE.ORG", {"ldap", "dc01.example.org"}, {18});  // m points into it
  ASSERT_TRUE(decode(msg, m));
  EXPECT_EQ(m.type, Krb5MessageType::TgsReq);
  EXPECT_FALSE(m.cname.present);
  EXPECT_EQ(parts(m.sname), (std::vector<std::string>{"ldap", "dc01.example.org"}));
}

TEST(Krb5MessageDecoder, KdcRepGivesCrealmCnameAndTheTicketsSnameAndEtypes) {
  Krb5Message m;
  const Bytes msg = kdcRep(13, "EXAMPLE.ORG", {"alice"}, "SERVICE.ORG", {"http", "www"}, 23, 18);  // m points into it
  ASSERT_TRUE(decode(msg, m));
  EXPECT_EQ(m.type, Krb5MessageType::TgsRep);
  EXPECT_TRUE(m.crealm_present);
  EXPECT_EQ(m.crealm, "EXAMPLE.ORG");
  EXPECT_EQ(m.realm, "SERVICE.ORG");
  EXPECT_EQ(parts(m.cname), (std::vector<std::string>{"alice"}));
  EXPECT_EQ(parts(m.sname), (std::vector<std::string>{"http", "www"}));
  EXPECT_EQ(m.ticket_etype, 23);
  EXPECT_EQ(m.enc_etype, 18);
}

TEST(Krb5MessageDecoder, KrbErrorGivesItsCodeRealmAndSname) {
  Krb5Message m;
  const Bytes msg = krbError(25, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"});  // m points into it
  ASSERT_TRUE(decode(msg, m));
  EXPECT_EQ(m.type, Krb5MessageType::Error);
  EXPECT_EQ(m.error_code, 25);
  EXPECT_EQ(m.realm, "EXAMPLE.ORG");
  EXPECT_FALSE(m.crealm_present);
  EXPECT_FALSE(m.cname.present);
  EXPECT_EQ(parts(m.sname), (std::vector<std::string>{"krbtgt", "EXAMPLE.ORG"}));
}

TEST(Krb5MessageDecoder, ApReqIsReadByItsTypeOnly) {
  Krb5Message m;
  const Bytes msg = app(14, seq({field(0, integer(5)), field(1, integer(14)), field(2, tlv(0x03, {0, 0, 0, 0, 0}))}));  // m points into it
  ASSERT_TRUE(decode(msg, m));
  EXPECT_EQ(m.type, Krb5MessageType::ApReq);
}

TEST(Krb5MessageDecoder, EveryTruncationAndAWrongVersionOrTypeAreRefused) {
  const Bytes whole = kdcRep(11, "EXAMPLE.ORG", {"alice"}, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"}, 18, 18);
  Krb5Message m;
  for (size_t n = 0; n < whole.size(); ++n) {
    const Bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(decode(cut, m)) << "cut at " << n;
  }
  // pvno 4; msg-type 12 inside an AS-REQ's tag; an APPLICATION tag of no message type.
  EXPECT_FALSE(decode(app(30, seq({field(0, integer(4)), field(1, integer(30))})), m));
  Bytes as_req = kdcReq(10, {"alice"}, "R", {"krbtgt", "R"}, {18});
  as_req[0] = 0x6c;  // a TGS-REQ's tag around msg-type 10
  EXPECT_FALSE(decode(as_req, m));
  EXPECT_FALSE(decode(app(5, seq({field(0, integer(5)), field(1, integer(5))})), m));
  // An error without its mandatory sname.
  EXPECT_FALSE(decode(app(30, seq({field(0, integer(5)), field(1, integer(30)), field(6, integer(6)),
                                  field(9, kstring("R"))})), m));
}

TEST(Krb5MessageDecoder, ANameKeepsItsFirstPartsOnlyButTheMessageStillDecodes) {
  Bytes strings;
  for (int i = 0; i < 40; ++i) {
    const Bytes s = kstring("p" + std::to_string(i));
    strings.insert(strings.end(), s.begin(), s.end());
  }
  const Bytes long_name = seq({field(0, integer(1)), field(1, tlv(0x30, strings))});
  const Bytes msg = app(30, seq({field(0, integer(5)), field(1, integer(30)), field(6, integer(7)),
                                 field(9, kstring("R")), field(10, long_name)}));
  Krb5Message m;
  ASSERT_TRUE(decode(msg, m));
  EXPECT_EQ(m.sname.count, Krb5Name::kMaxNameParts);
  EXPECT_EQ(m.sname.parts[15], "p15");
}

TEST(Krb5MessageDecoder, LooksLikeKrb5ByTagSequenceAndVersion) {
  auto looks = [](const Bytes& b) { return Krb5MessageDecoder::looksLikeKrb5(b.data(), b.size()); };
  const Bytes req = kdcReq(10, {"alice"}, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"}, {18});
  const Bytes err = krbError(6, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"});
  EXPECT_EQ(looks(req), Krb5MessageDecoder::Looks::Krb5);
  EXPECT_EQ(looks(err), Krb5MessageDecoder::Looks::Krb5);
  for (size_t n = 0; n < 9; ++n) {
    EXPECT_EQ(looks(Bytes(req.begin(), req.begin() + static_cast<std::ptrdiff_t>(n))), Krb5MessageDecoder::Looks::TooShort)
        << n;
  }
  const std::string http = "GET / HTTP/1.1\r\n";
  EXPECT_EQ(looks(Bytes(http.begin(), http.end())), Krb5MessageDecoder::Looks::NotKrb5);
  EXPECT_EQ(looks(app(10, seq({field(1, integer(4))}))), Krb5MessageDecoder::Looks::NotKrb5) << "pvno 4";
}

}  // namespace
}  // namespace mamori
