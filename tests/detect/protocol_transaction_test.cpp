// Records of the app-layer protocol plug-ins (ProtocolTransaction), fed as detection sees
// them: each field becomes the sticky buffer its keyword names (rules/protocol_buffers.h),
// a client's record is inspected in the ProtocolRequest phase and a server's in
// ProtocolResponse, a repeated field is a multi-buffer; rules mixing a plug-in's buffers with
// another protocol's are refused. DCE/RPC's value keywords (dcerpc.iface, dcerpc.opnum) match
// with their own matchers, on any protocol's records that carry them.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "applayer/dcerpc_record.h"
#include "applayer/dhcp_transaction_writer.h"
#include "applayer/modbus_message_decoder.h"
#include "applayer/modbus_request_field.h"
#include "applayer/snmp_transaction_writer.h"
#include "detect/app_buffer_builder.h"
#include "detect/packet_inspector.h"
#include "rules/rule_parser.h"
#include "tests/detect/detect_test_support.h"
#include "tests/detect/rule_set_builder.h"

namespace mamori {
namespace {

using test::CollectingSink;
using test::Sids;

class ProtocolTransactionTest : public test::InspectorTest {
 protected:
  Sids inspect(Direction sender, const ProtocolTransaction& tx, const char* app_proto = "sip", uint8_t ip_proto = 17) {
    AppRecord record;
    record.event = AppEvent::Protocol;
    record.dir = sender;
    record.body = tx;
    const std::optional<AppPhase> phase = builder_.build(record);
    if (!phase) return {};
    const bool to_server = sender == Direction::ToServer;
    EXPECT_EQ(*phase, to_server ? AppPhase::ProtocolRequest : AppPhase::ProtocolResponse);
    DecodedPacket pkt;
    IpAddress::parse(to_server ? "10.0.0.1" : "192.0.2.1", pkt.src);
    IpAddress::parse(to_server ? "192.0.2.1" : "10.0.0.1", pkt.dst);
    pkt.ip_version = 4;
    pkt.proto = ip_proto;
    pkt.sport = pkt.dport = 5060;
    FlowContext flow{7, to_server, true, {3, 3}, {100, 100}, &pool_, &handle_};
    flow.app_proto = app_proto;
    sink_.sids.clear();
    inspector_->inspectApp(pkt, flow, *phase, builder_.buffers(), sink_);
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }

  // How many of `rules` the parser refuses.
  static size_t refused(const char* rules) {
    RuleParser parser;
    ParsedRules parsed;
    parser.parseText(rules, "t.rules", parsed);
    return parsed.errors.size();
  }

  uint32_t handle_ = 0;
  AppBufferBuilder builder_;
  CollectingSink sink_;
};

ProtocolTransaction invite() {
  ProtocolTransaction tx;
  tx.protocol = "sip";
  tx.add("sip.method", "INVITE");
  tx.add("sip.uri", "sip:bob@example.com");
  tx.add("sip.via", "SIP/2.0/UDP proxy.example.com");
  tx.add("sip.via", "SIP/2.0/TCP phone.example.com");
  tx.add("sip.from", "<sip:alice@example.com>");
  tx.add("x.unknown", "fields no keyword names are left out");
  return tx;
}

ProtocolTransaction ok() {
  ProtocolTransaction tx;
  tx.protocol = "sip";
  tx.add("sip.stat_code", "200");
  tx.add("sip.from", "<sip:alice@example.com>");
  return tx;
}

TEST_F(ProtocolTransactionTest, FieldsAreTheBuffersTheirKeywordsName) {
  load("alert sip any any -> any any (sip.method; content:\"INVITE\"; sid:1;)\n"
       "alert sip any any -> any any (sip.via; content:\"TCP\"; sid:2;)\n"  // the second Via
       "alert sip any any -> any any (sip.via; content:\"UDP\"; content:\"phone\"; sid:3;)\n"  // no one Via has both
       "alert sip any any -> any any (sip.stat_code; content:\"200\"; sid:4;)\n"
       "alert sip any any -> any any (flow:to_server; sip.from; content:\"alice\"; sid:5;)\n"
       "alert sip any any -> any any (flow:to_client; sip.from; content:\"alice\"; sid:6;)\n"
       "alert sip any any -> any any (sip.from; content:\"alice\"; sid:7;)\n"  // both sides
       "alert http any any -> any any (http.method; content:\"INVITE\"; sid:8;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, invite()), (Sids{1, 2, 5, 7}));
  EXPECT_EQ(inspect(Direction::ToClient, ok()), (Sids{4, 6, 7}));
  EXPECT_EQ(inspect(Direction::ToServer, invite(), "dns"), Sids{}) << "alert sip needs a sip flow";
}

// QUIC's hellos (applayer/quic_transaction_writer.h) carry their JA3 / JA3S / JA4 under the TLS
// keywords, inspected on quic flows as Suricata does; TLS rules keep theirs.
TEST_F(ProtocolTransactionTest, QuicHellosAreInspectedByTheTlsFingerprintKeywords) {
  load("alert quic any any -> any any (ja3.hash; content:\"b3e43d74\"; sid:1;)\n"
       "alert quic any any -> any any (ja3s.string; content:\"771,4867\"; sid:2;)\n"
       "alert quic any any -> any any (quic.sni; content:\"localhost\"; ja3.string; content:\"771,\"; sid:3;)\n"
       "alert tls any any -> any any (ja3.hash; content:\"b3e43d74\"; sid:4;)\n"
       "alert quic any any -> any any (ja4.hash; content:\"q13d0310h3_\"; startswith; sid:5;)\n"
       "alert tls any any -> any any (ja4.hash; content:\"q13d0310h3_\"; sid:6;)\n");
  ProtocolTransaction client;
  client.protocol = "quic";
  client.add("quic.sni", "localhost");
  client.add("ja3.hash", "b3e43d74f4b790abca2f5fe7dd06e7cf");
  client.add("ja3.string", "771,4865-4866,0-16,,");
  client.add("ja4.hash", "q13d0310h3_55b375c5d22e_cd85d2d88918");
  ProtocolTransaction server;
  server.protocol = "quic";
  server.add("ja3s.hash", "475c9302dc42b2751db9edcac3b74891");
  server.add("ja3s.string", "771,4867,43-51");
  EXPECT_EQ(inspect(Direction::ToServer, client, "quic"), (Sids{1, 3, 5}));
  EXPECT_EQ(inspect(Direction::ToClient, server, "quic"), (Sids{2}));
  EXPECT_EQ(inspect(Direction::ToServer, client, "tls"), Sids{}) << "a tls rule reads TLS's hello, not a plug-in record";
}

// A Kerberos 5 message as applayer/krb5_protocol.h emits it: numbers as big-endian bytes.
ProtocolTransaction krb5(uint32_t msg_type, std::optional<uint32_t> err_code) {
  ProtocolTransaction tx;
  tx.protocol = "krb5";
  tx.addNumber("krb5_msg_type", msg_type);
  if (err_code) tx.addNumber("krb5_err_code", *err_code);
  tx.add("krb5.cname", "alice");
  tx.add("krb5.sname", "krbtgt");
  tx.add("krb5.sname", "EXAMPLE.ORG");
  return tx;
}

TEST_F(ProtocolTransactionTest, IntegerKeywordsTakeSuricatasUintSyntaxAndEnumNamesOnBothSides) {
  load("alert krb5 any any -> any any (krb5_msg_type:10; sid:1;)\n"
       "alert krb5 any any -> any any (krb5_msg_type:AS_REQ; sid:2;)\n"
       "alert krb5 any any -> any any (krb5_msg_type:!AS_REQ; sid:3;)\n"
       "alert krb5 any any -> any any (krb5_msg_type:>20; sid:4;)\n"
       "alert krb5 any any -> any any (krb5.msg_type:ERROR; krb5_err_code:25; sid:5;)\n"
       "alert krb5 any any -> any any (krb5_err_code:!25; sid:6;)\n"  // messages without a code have none to compare
       "alert krb5 any any -> any any (flow:to_server; krb5_msg_type:30; sid:7;)\n"
       "alert krb5 any any -> any any (krb5_cname; content:\"alice\"; krb5_msg_type:10; sid:8;)\n"
       "alert krb5 any any -> any any (krb5.sname; content:\"EXAMPLE.ORG\"; sid:9;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, krb5(10, std::nullopt), "krb5"), (Sids{1, 2, 8, 9}));
  EXPECT_EQ(inspect(Direction::ToClient, krb5(30, 25), "krb5"), (Sids{3, 4, 5, 9}));
  EXPECT_EQ(inspect(Direction::ToClient, krb5(30, 6), "krb5"), (Sids{3, 4, 6, 9}));
  EXPECT_EQ(inspect(Direction::ToClient, krb5(11, std::nullopt), "sip"), Sids{}) << "alert krb5 needs a krb5 flow";
}

TEST_F(ProtocolTransactionTest, TicketEncryptionIsWeakOrOneOfAListOnReplies) {
  load("alert krb5 any any -> any any (krb5.ticket_encryption: weak; sid:1;)\n"
       "alert krb5 any any -> any any (krb5.ticket_encryption: !weak; sid:2;)\n"
       "alert krb5 any any -> any any (krb5.ticket_encryption: des-cbc-md5, rc4-hmac; sid:3;)\n"
       "alert krb5 any any -> any any (krb5.ticket_encryption: -128, 18; sid:4;)\n");
  auto reply = [](int32_t etype) {
    ProtocolTransaction tx = krb5(13, std::nullopt);
    tx.addNumber("krb5.ticket_encryption", static_cast<uint32_t>(etype));
    return tx;
  };
  EXPECT_EQ(inspect(Direction::ToClient, reply(23), "krb5"), (Sids{1, 3}));
  EXPECT_EQ(inspect(Direction::ToClient, reply(18), "krb5"), (Sids{2, 4}));
  EXPECT_EQ(inspect(Direction::ToClient, reply(-128), "krb5"), (Sids{1, 4}));
  EXPECT_EQ(inspect(Direction::ToClient, krb5(13, std::nullopt), "krb5"), Sids{}) << "no ticket, nothing to compare";

  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert krb5 any any -> any any (krb5.ticket_encryption: rc4-hmac, nope; sid:5;)\n", "t.rules", parsed);
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_NE(parsed.errors[0].reason.find("'nope'"), std::string::npos) << parsed.errors[0].reason;
}

// An LDAP search's two records as applayer/ldap_protocol.h emits them: the request as it
// arrives, then its responses together (one instance each) and their count.
ProtocolTransaction ldapSearch() {
  ProtocolTransaction tx;
  tx.protocol = "ldap";
  tx.addNumber("ldap.request.operation", 3);
  tx.add("ldap.request.dn", "dc=example,dc=org");
  tx.add("ldap.request.attribute_type", "memberOf");
  return tx;
}

ProtocolTransaction ldapSearchResponses() {
  ProtocolTransaction tx;
  tx.protocol = "ldap";
  tx.addNumber("ldap.responses.operation", 4);
  tx.add("ldap.responses.dn", "cn=alice,dc=example,dc=org");
  tx.addNumber("ldap.responses.operation", 5);
  tx.add("ldap.responses.dn", "");
  tx.addNumber("ldap.responses.result_code", 0);
  tx.add("ldap.responses.message", "");
  tx.addNumber("ldap.responses.count", 2);
  return tx;
}

TEST_F(ProtocolTransactionTest, LdapOperationsByNumberOrNameAndResponsesAsMultiBuffers) {
  load("alert ldap any any -> any any (ldap.request.operation:search_request; sid:1;)\n"
       "alert ldap any any -> any any (ldap.request.operation:3; ldap.request.dn; content:\"dc=example\"; sid:2;)\n"
       "alert ldap any any -> any any (ldap.responses.operation:search_result_entry; sid:3;)\n"
       "alert ldap any any -> any any (ldap.responses.operation:search_result_done; ldap.responses.result_code:success; sid:4;)\n"
       "alert ip any any -> any any (ldap.responses.count:>1; sid:5;)\n"
       "alert ldap any any -> any any (ldap.responses.operation:!bind_response; sid:6;)\n"
       "alert ldap any any -> any any (ldap.responses.dn; content:\"cn=alice\"; sid:7;)\n"
       "alert ldap any any -> any any (ldap.responses.result_code:invalid_credentials; sid:8;)\n"
       "alert ldap any any -> any any (ldap.request.attribute_type; content:\"memberOf\"; sid:9;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, ldapSearch(), "ldap"), (Sids{1, 2, 9}));
  EXPECT_EQ(inspect(Direction::ToClient, ldapSearchResponses(), "ldap"), (Sids{3, 4, 5, 6, 7}));

  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert ldap any any -> any any (ldap.responses.operation:search_result_done,1; sid:10;)\n"
                   "alert ldap any any -> any any (ldap.request.operation:searchrequest; sid:11;)\n",
                   "t.rules", parsed);
  ASSERT_EQ(parsed.errors.size(), 2u) << "an index is not supported; a name must be Suricata's";
  EXPECT_NE(parsed.errors[1].reason.find("search_request"), std::string::npos) << parsed.errors[1].reason;
}

// One side of a DCE/RPC call on interface 12345678-...-01234567cffb v3, accepted or not, as
// the dcerpc plug-in (or the smb one, for a named pipe) records it.
ProtocolTransaction dcerpcCall(const char* protocol, Direction side, uint16_t opnum, bool accepted = true,
                               bool first_fragment = true) {
  static const DcerpcInterface kNetlogon{{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0xab, 0xcd, 0xef, 0x00, 0x01, 0x23, 0x45, 0x67,
                                          0xcf, 0xfb},
                                         3, 0, 1, true, 0, true};
  DcerpcInterface bound = kNetlogon;
  bound.result = accepted ? 0 : 2;
  DcerpcCall c;
  c.type = side == Direction::ToServer ? DcerpcPduType::Request : DcerpcPduType::Response;
  c.request_seen = true;
  c.opnum = opnum;
  c.first_fragment = first_fragment;
  c.stub = side == Direction::ToServer ? "request stub" : "response stub";
  c.interfaces = std::span<const DcerpcInterface>(&bound, 1);
  ProtocolTransaction tx;
  tx.protocol = protocol;
  addDcerpcFields(c, tx);
  return tx;
}

TEST_F(ProtocolTransactionTest, DcerpcIfaceMatchesAnAcceptedInterfaceByUuidAndVersion) {
  load("alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-ABCD-ef00-01234567cffb; sid:1;)\n"
       "alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-01234567cffb,>2; sid:2;)\n"
       "alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-01234567cffb,<3; sid:3;)\n"
       "alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-01234567cffb,!3; sid:4;)\n"
       "alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-01234567cffb,=3,any_frag; sid:5;)\n"
       "alert dcerpc any any -> any any (dce_iface:367abb81-9844-35f1-ad32-98f038001003; sid:6;)\n"
       "alert dcerpc any any -> any any (flow:to_server; dcerpc.iface:12345678-1234-abcd-ef00-01234567cffb; sid:7;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("dcerpc", Direction::ToServer, 4), "dcerpc"), (Sids{1, 2, 5, 7}));
  EXPECT_EQ(inspect(Direction::ToClient, dcerpcCall("dcerpc", Direction::ToClient, 4), "dcerpc"), (Sids{1, 2, 5}))
      << "the response is inspected with its request's interface";
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("dcerpc", Direction::ToServer, 4, false), "dcerpc"), Sids{})
      << "a context the server rejected binds no interface";
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("dcerpc", Direction::ToServer, 4, true, false), "dcerpc"), Sids{5})
      << "a call whose first fragment was not seen matches only with any_frag";
}

TEST_F(ProtocolTransactionTest, DcerpcOpnumTakesListsRangesAndComparisons) {
  load("alert dcerpc any any -> any any (dcerpc.opnum:15; sid:1;)\n"
       "alert dcerpc any any -> any any (dcerpc.opnum:1,4-6,20; sid:2;)\n"
       "alert dcerpc any any -> any any (dcerpc.opnum:>10; sid:3;)\n"
       "alert dcerpc any any -> any any (dce_opnum:15-15; sid:4;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("dcerpc", Direction::ToServer, 15), "dcerpc"), (Sids{1, 3, 4}));
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("dcerpc", Direction::ToServer, 6), "dcerpc"), Sids{2})
      << "a range includes its ends";
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("dcerpc", Direction::ToServer, 7), "dcerpc"), Sids{});
}

TEST_F(ProtocolTransactionTest, DcerpcKeywordsMatchWhicheverProtocolCarriesTheCall) {
  load("alert dcerpc any any -> any any (dcerpc.opnum:15; sid:1;)\n"
       "alert smb any any -> any any (dcerpc.opnum:15; sid:2;)\n"
       "alert tcp any any -> any any (dcerpc.opnum:15; sid:3;)\n"
       "alert dcerpc any any -> any any (flow:to_client; dcerpc.stub_data; content:\"response\"; sid:4;)\n"
       "alert smb any any -> any any (dcerpc.stub_data; content:\"request\"; sid:5;)\n"
       "alert tcp any any -> any any (app-layer-protocol:dcerpc; dcerpc.opnum:15; sid:6;)\n");
  constexpr uint8_t kTcp = 6;
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("dcerpc", Direction::ToServer, 15), "dcerpc", kTcp), (Sids{1, 3, 6}));
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("smb", Direction::ToServer, 15), "smb", kTcp), (Sids{1, 2, 3, 5, 6}))
      << "alert dcerpc covers DCE/RPC over SMB, as Suricata's does";
  EXPECT_EQ(inspect(Direction::ToClient, dcerpcCall("smb", Direction::ToClient, 15), "smb", kTcp), (Sids{1, 2, 3, 4, 6}));
  EXPECT_EQ(inspect(Direction::ToServer, dcerpcCall("sip", Direction::ToServer, 15), "sip", kTcp), Sids{3})
      << "but not another protocol's flows";
}

TEST(ProtocolBufferRules, DcerpcValuesRefuseWhatSuricataRefuses) {
  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-01234567cff; sid:1;)\n"
                   "alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-01234567cffb,any_frag,=1; sid:2;)\n"
                   "alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-01234567cffb,=70000; sid:3;)\n"
                   "alert dcerpc any any -> any any (dcerpc.opnum:5-3; sid:4;)\n"
                   "alert dcerpc any any -> any any (dcerpc.opnum:x; sid:5;)\n"
                   "alert dcerpc any any -> any any (dcerpc.iface; sid:6;)\n"
                   "alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-01234567cffb,<2,any_frag; sid:7;)\n",
                   "t.rules", parsed);
  EXPECT_EQ(parsed.errors.size(), 6u);
  ASSERT_EQ(parsed.rules.size(), 1u);
  EXPECT_EQ(parsed.rules[0].sid, 7u);
  std::vector<RuleError> errors;
  ParsedRules mixed;
  parser.parseText("alert dcerpc any any -> any any (dcerpc.stub_data; content:\"a\"; sip.method; content:\"b\"; sid:8;)\n",
                   "t.rules", mixed);
  SignatureDatabase::build(std::move(mixed.rules), errors);
  EXPECT_EQ(errors.size(), 1u) << "no protocol carries both";
}

TEST(ProtocolBufferRules, IntegerKeywordsRefuseWhatIsNoNumberNorName) {
  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert krb5 any any -> any any (krb5_msg_type:AS-REQ; sid:1;)\n"
                   "alert krb5 any any -> any any (krb5_msg_type:4294967296; sid:2;)\n"
                   "alert krb5 any any -> any any (krb5_err_code:KDC_ERR_NONE; sid:3;)\n"
                   "alert krb5 any any -> any any (krb5_msg_type; sid:4;)\n"
                   "alert krb5 any any -> any any (krb5_msg_type:10-13; sid:5;)\n",
                   "t.rules", parsed);
  ASSERT_EQ(parsed.errors.size(), 4u);
  EXPECT_NE(parsed.errors[0].reason.find("AS_REQ"), std::string::npos) << "the error lists the names";
  EXPECT_EQ(parsed.rules.size(), 1u);
}

TEST(ProtocolBufferRules, MixingProtocolsAndTransactionalRulesAreRefused) {
  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert sip any any -> any any (sip.method; content:\"A\"; http.uri; content:\"b\"; sid:1;)\n"
                   "alert sip any any => any any (sip.method; content:\"A\"; sip.stat_code; content:\"200\"; sid:2;)\n"
                   "alert sip any any -> any any (sip.method: to_client; content:\"A\"; sid:3;)\n",
                   "t.rules", parsed);
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].sid, 3u) << "sip.method is the request's: it takes no direction";
  std::vector<RuleError> errors;
  SignatureDatabase::build(std::move(parsed.rules), errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].reason.find("different protocols"), std::string::npos) << errors[0].reason;
  EXPECT_NE(errors[1].reason.find("'=>' rules are for http and tls"), std::string::npos) << errors[1].reason;
}

// FTP (applayer/ftp_protocol.h): a command's record, then its reply's.
TEST_F(ProtocolTransactionTest, FtpCommandsRepliesModesPortsAndBounces) {
  load("alert ftp any any -> any any (ftp.command; content:\"PORT\"; sid:1;)\n"
         "alert ftp any any -> any any (ftp.command_data; content:\"192,168\"; sid:2;)\n"
         "alert ftp any any -> any any (ftpbounce; sid:3;)\n"
         "alert tcp any any -> any any (ftpbounce; sid:4;)\n"
         "alert ftp any any -> any any (ftp.completion_code; content:\"200\"; sid:5;)\n"
         "alert ftp any any -> any any (ftp.reply; content:\"successful\"; sid:6;)\n"
         "alert ftp any any -> any any (ftp.mode:active; sid:7;)\n"
         "alert ftp any any -> any any (ftp.mode:passive; sid:8;)\n"
         "alert ftp any any -> any any (ftp.dynamic_port:<1024; sid:9;)\n"
         "alert ftp any any -> any any (ftp.reply_received:yes; sid:10;)\n"
         "alert ftp any any -> any any (ftp.reply_received:off; sid:11;)\n"
         "alert ftp-data any any -> any any (ftpdata_command:retr; sid:12;)\n");
  ProtocolTransaction port;
  port.protocol = "ftp";
  port.add("ftp.command", "PORT");
  port.add("ftp.command_data", "192,168,7,9,0,25");
  port.addNumber("ftpbounce", 1);
  EXPECT_EQ(inspect(Direction::ToServer, port, "ftp", 6), (Sids{1, 2, 3, 4}));
  ProtocolTransaction reply;
  reply.protocol = "ftp";
  reply.add("ftp.completion_code", "200");
  reply.add("ftp.reply", "PORT command successful.");
  reply.addNumber("ftp.mode", 1);
  reply.addNumber("ftp.dynamic_port", 25);
  reply.addNumber("ftp.reply_received", 1);
  EXPECT_EQ(inspect(Direction::ToClient, reply, "ftp", 6), (Sids{5, 6, 7, 9, 10}));
  ProtocolTransaction data;
  data.protocol = "ftp-data";
  data.addNumber("ftpdata_command", 1);
  EXPECT_EQ(inspect(Direction::ToClient, data, "ftp-data", 6), (Sids{12}));

  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert ftp any any -> any any (ftpbounce:yes; sid:20;)\n"
                   "alert ftp any any -> any any (ftp.mode:both; sid:21;)\n"
                   "alert ftp any any -> any any (ftp.dynamic_port:70000; sid:22;)\n",
                   "t.rules", parsed);
  EXPECT_EQ(parsed.errors.size(), 3u) << "ftpbounce takes no value; modes and ports are Suricata's";
}

// A CIP message as applayer/enip_transaction_writer.h writes it for a request: a Get Attribute
// List (service 3) on the Identity object (class 1, instance 1) for attributes 7 and 8, and a
// Multiple Service Packet's Read Data (0x4c) on class 0x6b attribute 10 in the same record.
ProtocolTransaction cipRequest() {
  ProtocolTransaction tx;
  tx.protocol = "enip";
  tx.addNumber("enip_command", 0x6f);
  tx.add("cip_service", std::string("\x03\x02\x08\0\0\0\x01\x09\0\0\0\x01\x02\0\0\0\x07\0\0\0\x08", 22));
  tx.add("cip_service", std::string("\x4c\x02\x08\0\0\0\x6b\x0c\0\0\0\x0a\0", 13));
  tx.addNumber("enip.cip_class", 1);
  tx.addNumber("enip.cip_class", 0x6b);
  return tx;
}

TEST_F(ProtocolTransactionTest, CipServiceMatchesAServiceWithItsClassAndAttribute) {
  load("alert enip any any -> any any (cip_service:3; sid:1;)\n"
       "alert enip any any -> any any (cip_service:3,1; sid:2;)\n"
       "alert enip any any -> any any (cip_service:3,1,8; sid:3;)\n"
       "alert enip any any -> any any (cip_service:3,1,9; sid:4;)\n"
       "alert enip any any -> any any (cip_service:3,2; sid:5;)\n"
       "alert enip any any -> any any (cip_service:76,107,10; sid:6;)\n"  // the packet's service
       "alert enip any any -> any any (cip_service: 3, 1, !9; sid:7;)\n"   // a negated attribute is not checked
       "alert enip any any -> any any (enip_command:send_rr_data; enip.cip_class:>100; sid:8;)\n"
       "alert enip any any -> any any (enip.command:list_identity; sid:9;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, cipRequest(), "enip", 6), (Sids{1, 2, 3, 6, 7, 8}));

  EXPECT_EQ(refused("alert enip any any -> any any (cip_service:200; sid:10;)\n"
                   "alert enip any any -> any any (cip_service:1,2,3,4; sid:11;)\n"), 2u) << "a service is below 128; at most service, class, attribute";
}

// A Modbus request's record as applayer/modbus_transaction_writer.h makes it, from its ADU.
ProtocolTransaction modbusRequest(std::vector<uint8_t> pdu, uint8_t unit = 1) {
  std::vector<uint8_t> adu{0, 1, 0, 0, 0, static_cast<uint8_t>(pdu.size() + 1), unit};
  adu.insert(adu.end(), pdu.begin(), pdu.end());
  ModbusMessage m;
  EXPECT_TRUE(ModbusMessageDecoder::decode(adu.data(), adu.size(), true, m));
  std::string field;
  ModbusRequestField::of(m).encode(field);
  ProtocolTransaction tx;
  tx.protocol = "modbus";
  tx.add("modbus", field);
  return tx;
}

TEST_F(ProtocolTransactionTest, ModbusMatchesFunctionsAccessAddressesValuesAndUnits) {
  load("alert modbus any any -> any any (modbus: function 16; sid:1;)\n"
       "alert modbus any any -> any any (modbus: function !reserved; sid:2;)\n"
       "alert modbus any any -> any any (modbus: access write holding; sid:3;)\n"
       "alert modbus any any -> any any (modbus: access write holding, address 34, value 7; sid:4;)\n"
       "alert modbus any any -> any any (modbus: access write holding, address 34, value >7; sid:5;)\n"
       "alert modbus any any -> any any (modbus: access read, address >10; sid:6;)\n"
       "alert modbus any any -> any any (modbus: unit 3<>9, function 3; sid:7;)\n"
       "alert modbus any any -> any any (modbus: function 8, subfunction 4; sid:8;)\n"
       "alert modbus any any -> any any (modbus: access write coils; sid:9;)\n");
  const std::vector<uint8_t> write_regs{0x10, 0x00, 0x20, 0x00, 0x02, 0x04, 0x00, 0x05, 0x00, 0x07};
  EXPECT_EQ(inspect(Direction::ToServer, modbusRequest(write_regs), "modbus", 6), (Sids{1, 2, 3, 4}));
  EXPECT_EQ(inspect(Direction::ToServer, modbusRequest({0x03, 0x00, 0x10, 0x00, 0x02}, 5), "modbus", 6), (Sids{2, 6, 7}));
  EXPECT_EQ(inspect(Direction::ToServer, modbusRequest({0x03, 0x00, 0x00, 0x00, 0x02}, 9), "modbus", 6), (Sids{2}))
      << "registers 1-2 are not above 10; unit 9 is not strictly inside 3<>9";
  EXPECT_EQ(inspect(Direction::ToServer, modbusRequest({0x08, 0x00, 0x04, 0x00, 0x00}), "modbus", 6), (Sids{2, 8}));

  EXPECT_EQ(refused("alert modbus any any -> any any (modbus: access write discretes; sid:10;)\n"
                   "alert modbus any any -> any any (modbus: access read holding, address 1, value 3; sid:11;)\n"
                   "alert modbus any any -> any any (modbus: function 0; sid:12;)\n"
                   "alert modbus any any -> any any (modbus: function bogus; sid:13;)\n"), 4u) << "discretes are read-only; a value is a write's; no function 0; no such category";
}

// A DNP3 response as applayer/dnp3_record_writer.h makes it: function, indications, objects.
ProtocolTransaction dnp3Response(uint32_t function, uint32_t iin, uint32_t object) {
  ProtocolTransaction tx;
  tx.protocol = "dnp3";
  tx.addNumber("dnp3_func", function);
  tx.addNumber("dnp3_ind", iin);
  tx.addNumber("dnp3_obj", object);
  tx.add("dnp3_data", "\xc1\x81\x90\x00");
  return tx;
}

TEST_F(ProtocolTransactionTest, Dnp3KeywordsMatchFunctionsIndicationsAndObjects) {
  load("alert dnp3 any any -> any any (dnp3_func:response; sid:1;)\n"
       "alert dnp3 any any -> any any (dnp3_func:129; sid:2;)\n"
       "alert dnp3 any any -> any any (dnp3_ind:device_restart,class_1_events; sid:3;)\n"
       "alert dnp3 any any -> any any (dnp3_ind:object_unknown; sid:4;)\n"
       "alert dnp3 any any -> any any (dnp3_obj:60,2; sid:5;)\n"
       "alert dnp3 any any -> any any (dnp3_obj:60,3; sid:6;)\n"
       "alert dnp3 any any -> any any (dnp3_data; content:\"|81 90|\"; sid:7;)\n");
  EXPECT_EQ(inspect(Direction::ToClient, dnp3Response(129, 0x9000, 0x3c02), "dnp3", 6), (Sids{1, 2, 3, 5, 7}));

  EXPECT_EQ(refused("alert dnp3 any any -> any any (dnp3_ind:no_such_flag; sid:10;)\n"
                   "alert dnp3 any any -> any any (dnp3_obj:60; sid:11;)\n"), 2u);
}

// A DHCP ack's record as applayer/dhcp_transaction_writer.h makes it.
ProtocolTransaction dhcpAck(uint32_t lease, uint32_t renewal) {
  DhcpMessage m;
  m.op = DhcpMessage::kBootReply;
  m.message_type = 5;
  m.lease_time = lease;
  m.renewal_time = renewal;
  ProtocolTransaction tx;
  DhcpTransactionWriter().write(m, tx);
  return tx;
}

TEST_F(ProtocolTransactionTest, DhcpTimesCompareAsSuricatasUintKeywords) {
  load("alert dhcp any any -> any any (dhcp.leasetime:<3; sid:1;)\n"
       "alert dhcp any any -> any any (dhcp.leasetime:>=3600; sid:2;)\n"
       "alert dhcp any any -> any any (dhcp.renewal_time:1800; sid:3;)\n"
       "alert dhcp any any -> any any (dhcp.rebinding_time:>0; sid:4;)\n");
  EXPECT_EQ(inspect(Direction::ToClient, dhcpAck(2, 1), "dhcp", 17), (Sids{1}));
  EXPECT_EQ(inspect(Direction::ToClient, dhcpAck(86400, 1800), "dhcp", 17), (Sids{2, 3}))
      << "no rebinding time in the message: no test on it matches";
}

// An SNMP message's record as applayer/snmp_transaction_writer.h makes it.
ProtocolTransaction snmpMessage(uint32_t version, uint8_t pdu_type, std::string_view community, std::string_view user) {
  SnmpMessage m;
  m.version = version;
  m.has_pdu = true;
  m.pdu_type = pdu_type;
  m.community = community;
  m.usm = !user.empty();
  m.usm_user = user;
  ProtocolTransaction tx;
  SnmpTransactionWriter().write(m, version, tx);
  return tx;
}

TEST_F(ProtocolTransactionTest, SnmpVersionPduTypeCommunityAndUsm) {
  load("alert snmp any any -> any any (snmp.version:2; sid:1;)\n"
       "alert snmp any any -> any any (snmp.pdu_type:3; sid:2;)\n"
       "alert snmp any any -> any any (snmp.community; content:\"private\"; sid:3;)\n"
       "alert snmp any any -> any any (snmp.usm; content:\"admin\"; sid:4;)\n"
       "alert snmp any any -> any any (snmp.version:<3; snmp.pdu_type:0; sid:5;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, snmpMessage(2, 3, "private", ""), "snmp", 17), (Sids{1, 2, 3}));
  EXPECT_EQ(inspect(Direction::ToServer, snmpMessage(1, 0, "public", ""), "snmp", 17), (Sids{5}));
  EXPECT_EQ(inspect(Direction::ToServer, snmpMessage(3, 0, "", "admin"), "snmp", 17), (Sids{4}));
}

// A WebSocket frame as applayer/websocket_protocol.h makes it.
ProtocolTransaction websocketFrame(uint32_t flags, uint32_t opcode, uint32_t mask, std::string_view payload) {
  ProtocolTransaction tx;
  tx.protocol = "websocket";
  tx.add("websocket.payload", payload);
  tx.addNumber("websocket.opcode", opcode);
  tx.addNumber("websocket.flags", flags);
  tx.addNumber("websocket.mask", mask);
  return tx;
}

TEST_F(ProtocolTransactionTest, WebsocketKeywordsTakeSuricatasNamesNumbersAndFlagLists) {
  load("alert websocket any any -> any any (websocket.opcode:ping; sid:1;)\n"
       "alert websocket any any -> any any (websocket.opcode:>8; sid:2;)\n"
       "alert websocket any any -> any any (websocket.flags:fin,!comp; sid:3;)\n"
       "alert websocket any any -> any any (websocket.flags:comp; sid:4;)\n"
       "alert websocket any any -> any any (websocket.flags:128; sid:5;)\n"
       "alert websocket any any -> any any (websocket.mask:0x1020304; sid:6;)\n"
       "alert websocket any any -> any any (websocket.payload; content:\"are you there\"; sid:7;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, websocketFrame(0x80, 9, 0x01020304, "are you there?"), "websocket", 6),
            (Sids{1, 2, 3, 5, 6, 7}));

  EXPECT_EQ(refused("alert websocket any any -> any any (websocket.flags:fin,fin; sid:10;)\n"
                    "alert websocket any any -> any any (websocket.flags:rsv9; sid:11;)\n"
                    "alert websocket any any -> any any (websocket.opcode:shout; sid:12;)\n"),
            3u);
}

// An MQTT CONNECT as applayer/mqtt_message_writer.h makes it.
ProtocolTransaction mqttConnect() {
  ProtocolTransaction tx;
  tx.protocol = "mqtt";
  tx.addNumber("mqtt.type", 1);
  tx.addNumber("mqtt.flags", 0);
  tx.addNumber("mqtt.qos", 0);
  tx.addNumber("mqtt.protocol_version", 5);
  tx.add("mqtt.connect.protocol_string", "MQTT");
  tx.addNumber("mqtt.connect.flags", 0xc2);
  tx.add("mqtt.connect.clientid", "plc-12");
  tx.add("mqtt.connect.username", "admin");
  return tx;
}

TEST_F(ProtocolTransactionTest, MqttKeywordsTakeSuricatasTypeNamesAndFlagLists) {
  load("alert mqtt any any -> any any (mqtt.type:CONNECT; sid:1;)\n"
       "alert mqtt any any -> any any (mqtt.type:publish; sid:2;)\n"
       "alert mqtt any any -> any any (mqtt.connect.flags:username,password,!will; sid:3;)\n"
       "alert mqtt any any -> any any (mqtt.connect.flags:will; sid:4;)\n"
       "alert mqtt any any -> any any (mqtt.flags:!dup,!retain; sid:5;)\n"
       "alert mqtt any any -> any any (mqtt.protocol_version:5; sid:6;)\n"
       "alert mqtt any any -> any any (mqtt.connect.username; content:\"admin\"; sid:7;)\n"
       "alert mqtt any any -> any any (mqtt.connect.clientid; content:\"plc-\"; startswith; sid:8;)\n");
  EXPECT_EQ(inspect(Direction::ToServer, mqttConnect(), "mqtt", 6), (Sids{1, 3, 5, 6, 7, 8}));

  EXPECT_EQ(refused("alert mqtt any any -> any any (mqtt.type:CONNECTED; sid:10;)\n"
                    "alert mqtt any any -> any any (mqtt.flags:dup,qos; sid:11;)\n"),
            2u);
}

}  // namespace
}  // namespace mamori
