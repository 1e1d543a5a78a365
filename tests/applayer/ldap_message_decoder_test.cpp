#include "applayer/ldap_message_decoder.h"

#include <gtest/gtest.h>

#include <deque>

#include "tests/applayer/ldap_builder.h"

namespace mamori {
namespace {

using namespace test::ldap;

// The decoded message's strings point into its bytes: the test keeps them alive (in `kept`).
std::deque<Bytes> kept;

LdapMessage decoded(Bytes b) {
  const Bytes& held = kept.emplace_back(std::move(b));
  LdapMessage m;
  EXPECT_TRUE(LdapMessageDecoder::decode(held.data(), held.size(), m));
  return m;
}

bool decodes(const Bytes& b) {
  LdapMessage m;
  return LdapMessageDecoder::decode(b.data(), b.size(), m);
}

TEST(LdapMessageDecoder, ReadsABindRequestsNameAndVersionAndASaslMechanism) {
  LdapMessage m = decoded(message(1, simpleBind("cn=admin,dc=example,dc=org", "secret")));
  EXPECT_EQ(m.message_id, 1u);
  EXPECT_EQ(m.operation, LdapOperation::BindRequest);
  EXPECT_EQ(m.dn, "cn=admin,dc=example,dc=org");
  EXPECT_EQ(m.number, 3u);
  m = decoded(message(7, saslBind("GSS-SPNEGO")));
  EXPECT_EQ(m.sasl_mechanism, "GSS-SPNEGO");
  EXPECT_EQ(m.dn, "");
}

TEST(LdapMessageDecoder, ReadsASearchsBaseScopeAndAttributesPassingOverItsFilter) {
  const LdapMessage m = decoded(message(2, searchRequest("dc=example,dc=org", {"cn", "mail", "memberOf"})));
  EXPECT_EQ(m.operation, LdapOperation::SearchRequest);
  EXPECT_EQ(m.dn, "dc=example,dc=org");
  EXPECT_EQ(m.number, 2u) << "wholeSubtree";
  ASSERT_EQ(m.attribute_type_count, 3u);
  EXPECT_EQ(m.attribute_types[2], "memberOf");
}

TEST(LdapMessageDecoder, ReadsEntriesResultsAndAnUnsolicitedNotice) {
  LdapMessage m = decoded(message(2, searchEntry("cn=alice,dc=example,dc=org", {"cn", "mail"})));
  EXPECT_EQ(m.operation, LdapOperation::SearchResultEntry);
  EXPECT_EQ(m.dn, "cn=alice,dc=example,dc=org");
  EXPECT_EQ(m.attribute_type_count, 2u);
  EXPECT_FALSE(m.has_result);
  m = decoded(message(2, result(5, 32, "dc=example,dc=org", "no such object")));
  EXPECT_EQ(m.operation, LdapOperation::SearchResultDone);
  EXPECT_TRUE(m.has_result);
  EXPECT_EQ(m.result_code, 32u);
  EXPECT_EQ(m.dn, "dc=example,dc=org");
  EXPECT_EQ(m.diagnostic_message, "no such object");
  // RFC 4511 section 4.4.1: the notice of disconnection, message ID 0, names its OID.
  const std::string oid = "1.3.6.1.4.1.1466.20036";
  m = decoded(message(0, result(24, 52, "", "shutting down", tlv(0x8a, Bytes(oid.begin(), oid.end())))));
  EXPECT_EQ(m.operation, LdapOperation::ExtendedResponse);
  EXPECT_EQ(m.message_id, 0u);
  EXPECT_EQ(m.result_code, 52u);
  EXPECT_EQ(m.oid, oid);
}

TEST(LdapMessageDecoder, ReadsPrimitiveOperationsAndControls) {
  EXPECT_EQ(decoded(message(3, unbind())).operation, LdapOperation::UnbindRequest);
  const LdapMessage del = decoded(message(4, op(10, Bytes{'c', 'n', '=', 'x'}, true)));
  EXPECT_EQ(del.operation, LdapOperation::DelRequest);
  EXPECT_EQ(del.dn, "cn=x");
  const LdapMessage abandon = decoded(message(5, op(16, Bytes{0x04}, true)));
  EXPECT_EQ(abandon.number, 4u);
  // Controls [0] after the operation (paged results, as Active Directory clients send).
  const Bytes controls = tlv(0xa0, seq({octets("1.2.840.113556.1.4.319"), tlv(0x04, Bytes{0x30, 0x05, 0x02, 0x01, 0x64, 0x04, 0x00})}));
  EXPECT_TRUE(decodes(seq({integer(6), searchRequest("", {}), controls})));
}

TEST(LdapMessageDecoder, TakesLongFormLengthsAsActiveDirectoryWritesThem) {
  // 0x84 and four length octets, even for short contents.
  const Bytes inner = cat({integer(9), simpleBind("cn=a", "b")});
  Bytes m{0x30, 0x84, 0, 0, 0, static_cast<uint8_t>(inner.size())};
  m.insert(m.end(), inner.begin(), inner.end());
  EXPECT_TRUE(decodes(m));
  EXPECT_EQ(LdapMessageDecoder::elementLength(m.data(), m.size(), 1 << 20), m.size());
}

TEST(LdapMessageDecoder, RefusesWhatIsNotAWholeWellFormedMessage) {
  const Bytes good = message(2, searchRequest("dc=x", {"cn"}));
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(decodes(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)))) << cut;
  }
  EXPECT_FALSE(decodes(cat({good, Bytes{0}}))) << "trailing bytes";
  EXPECT_FALSE(decodes(message(2, op(20, {})))) << "APPLICATION 20 is no operation";
  EXPECT_FALSE(decodes(message(-1, unbind()))) << "negative message ID";
  EXPECT_FALSE(decodes(message(2, op(5, cat({enumerated(0), octets("")}))))) << "LDAPResult without its message";
  EXPECT_FALSE(decodes(message(2, op(3, cat({octets("dc=x"), enumerated(2)}))))) << "search cut short";
  EXPECT_FALSE(decodes(Bytes{0x30, 0x80, 0x02, 0x01, 0x01, 0x42, 0x00, 0x00, 0x00})) << "indefinite length";
  EXPECT_FALSE(decodes(seq({tlv(0x04, Bytes{1}), unbind()}))) << "message ID is no INTEGER";
}

TEST(LdapMessageDecoder, KeepsAtMostItsBoundOfAttributeTypes) {
  Bytes list;
  for (int i = 0; i < 100; ++i) list = cat({list, octets("a" + std::to_string(i))});
  const Bytes search = op(3, cat({octets(""), enumerated(0), enumerated(0), integer(0), integer(0), boolean(false),
                                  tlv(0x87, Bytes{'c', 'n'}), tlv(0x30, list)}));
  const LdapMessage m = decoded(message(1, search));
  EXPECT_EQ(m.attribute_type_count, LdapMessage::kMaxAttributeTypes);
}

TEST(LdapMessageDecoder, ProbesBySequenceMessageIdAndOperation) {
  const Bytes bind = message(1, simpleBind("", ""));
  EXPECT_EQ(LdapMessageDecoder::probe(bind.data(), bind.size(), 1 << 20), ProbeResult::Match);
  EXPECT_EQ(LdapMessageDecoder::probe(bind.data(), 4, 1 << 20), ProbeResult::Unsure);
  const Bytes mqtt_publish{0x30, 0x0a, 0x00, 0x04, 't', 'e', 's', 't', 'h', 'e', 'l', 'o'};
  EXPECT_EQ(LdapMessageDecoder::probe(mqtt_publish.data(), mqtt_publish.size(), 1 << 20), ProbeResult::NoMatch);
  const Bytes http{'G', 'E', 'T', ' '};
  EXPECT_EQ(LdapMessageDecoder::probe(http.data(), http.size(), 1 << 20), ProbeResult::NoMatch);
  const Bytes huge{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01};
  EXPECT_EQ(LdapMessageDecoder::probe(huge.data(), huge.size(), 1 << 20), ProbeResult::NoMatch) << "past the bound";
}

}  // namespace
}  // namespace mamori
