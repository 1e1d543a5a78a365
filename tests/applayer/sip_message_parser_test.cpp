#include "applayer/sip_message_parser.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <utility>
#include <vector>

namespace mamori {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields fieldsOf(const ProtocolTransaction& tx) {
  Fields out;
  for (const ProtocolField& f : tx.fields) out.emplace_back(f.name, std::string(tx.value(f)));
  return out;
}

SipMessageParser::Result parseDatagram(std::string_view text, ProtocolTransaction& tx) {
  SipMessageParser parser;
  return parser.parse(text, true, tx);
}

TEST(SipMessageParser, RequestWithCompactHeadersGivesTheLongNamesBuffers) {
  const std::string msg =
      "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
      "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
      "Max-Forwards: 70\r\n"
      "t: Bob <sip:bob@biloxi.example.com>\r\n"
      "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
      "i: a84b4c76e66710@pc33.atlanta.example.com\r\n"
      "User-Agent: softphone 1.0\r\n"
      "c: application/sdp\r\n"
      "l: 4\r\n"
      "\r\n"
      "v=0\n";
  ProtocolTransaction tx;
  const auto r = parseDatagram(msg, tx);
  ASSERT_EQ(r.status, SipMessageParser::Status::Complete);
  EXPECT_EQ(r.consumed, msg.size());
  EXPECT_STREQ(tx.protocol, "sip");
  const Fields expected = {
      {"sip.method", "INVITE"},
      {"sip.uri", "sip:bob@biloxi.example.com"},
      {"sip.protocol", "SIP/2.0"},
      {"sip.request_line", "INVITE sip:bob@biloxi.example.com SIP/2.0"},
      {"sip.via", "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds"},
      {"sip.to", "Bob <sip:bob@biloxi.example.com>"},
      {"sip.from", "Alice <sip:alice@atlanta.example.com>;tag=1928301774"},
      {"sip.user_agent", "softphone 1.0"},
      {"sip.content_type", "application/sdp"},
      {"sip.content_length", "4"},
  };
  EXPECT_EQ(fieldsOf(tx), expected);
  EXPECT_EQ(tx.eve,
            R"({"method":"INVITE","uri":"sip:bob@biloxi.example.com","version":"SIP/2.0",)"
            R"("request_line":"INVITE sip:bob@biloxi.example.com SIP/2.0"})");
}

TEST(SipMessageParser, ResponseLineAndRepeatedHeadersAreOneBufferEach) {
  const std::string msg =
      "SIP/2.0 401 Unauthorized\r\n"
      "Via: SIP/2.0/UDP a.example.com\r\n"
      "VIA: SIP/2.0/UDP b.example.com\r\n"
      "from: <sip:x@y>\r\n"
      "Content-Length: 0\r\n"
      "\r\n";
  ProtocolTransaction tx;
  ASSERT_EQ(parseDatagram(msg, tx).status, SipMessageParser::Status::Complete);
  const Fields expected = {
      {"sip.protocol", "SIP/2.0"},
      {"sip.stat_code", "401"},
      {"sip.stat_msg", "Unauthorized"},
      {"sip.response_line", "SIP/2.0 401 Unauthorized"},
      {"sip.via", "SIP/2.0/UDP a.example.com"},
      {"sip.via", "SIP/2.0/UDP b.example.com"},
      {"sip.from", "<sip:x@y>"},
      {"sip.content_length", "0"},
  };
  EXPECT_EQ(fieldsOf(tx), expected);
  EXPECT_EQ(tx.eve, R"({"version":"SIP/2.0","code":"401","reason":"Unauthorized","response_line":"SIP/2.0 401 Unauthorized"})");
}

TEST(SipMessageParser, FoldedHeaderLineContinuesTheValue) {
  ProtocolTransaction tx;
  ASSERT_EQ(parseDatagram("OPTIONS sip:a SIP/2.0\r\nTo: <sip:a>\r\n ;tag=1\r\n\r\n", tx).status,
            SipMessageParser::Status::Complete);
  EXPECT_EQ(fieldsOf(tx).back(), (std::pair<std::string, std::string>{"sip.to", "<sip:a> ;tag=1"}));
}

TEST(SipMessageParser, OverTcpAMessageIsCompleteWithItsWholeBody) {
  const std::string msg = "MESSAGE sip:a SIP/2.0\r\nContent-Length: 5\r\n\r\nhello";
  SipMessageParser parser;
  ProtocolTransaction tx;
  for (size_t cut = 0; cut < msg.size(); ++cut) {
    EXPECT_EQ(parser.parse(std::string_view(msg).substr(0, cut), false, tx).status, SipMessageParser::Status::Incomplete)
        << cut;
  }
  const std::string two = msg + "SIP/2.0 200 OK\r\n\r\n";
  const auto r = parser.parse(two, false, tx);
  ASSERT_EQ(r.status, SipMessageParser::Status::Complete);
  EXPECT_EQ(r.consumed, msg.size());
  ASSERT_EQ(parser.parse(std::string_view(two).substr(r.consumed), false, tx).status, SipMessageParser::Status::Complete);
  EXPECT_EQ(fieldsOf(tx)[1].second, "200");
}

TEST(SipMessageParser, RefusesWhatIsNotSip) {
  ProtocolTransaction tx;
  for (const char* bad : {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "SIP/2.0 2x0 OK\r\n\r\n", "INVITE sip:a\r\n\r\n",
                          "INVITE sip:a SIP/2.0\r\nno colon here\r\n\r\n", "INVITE sip:a SIP/2.0\r\nl: -1\r\n\r\n",
                          "INVITE sip:a SIP/2.0\r\nVia: x\r\n"}) {
    EXPECT_EQ(parseDatagram(bad, tx).status, SipMessageParser::Status::Malformed) << bad;
  }
}

TEST(SipMessageParser, HostileBytesMakeValidJson) {
  const std::string msg = "INVITE sip:\"\xff\x01\\\xc3 SIP/2.0\r\n\r\n";
  ProtocolTransaction tx;
  ASSERT_EQ(parseDatagram(msg, tx).status, SipMessageParser::Status::Complete);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(tx.eve.data(), tx.eve.size());
  ASSERT_FALSE(doc.HasParseError()) << tx.eve;
  EXPECT_EQ(std::string(doc["uri"].GetString()), "sip:\"\xEF\xBF\xBD\x01\\\xEF\xBF\xBD");
  // Detection sees the bytes as sent.
  EXPECT_EQ(fieldsOf(tx)[1].second, "sip:\"\xff\x01\\\xc3");
}

TEST(SipMessageParser, ProbeTellsSipFromOtherProtocolsAndWaitsForAWholeFirstLine) {
  using L = SipMessageParser::Looks;
  EXPECT_EQ(SipMessageParser::looksLikeSip("REGISTER sip:example.com SIP/2.0\r\n"), L::Sip);
  EXPECT_EQ(SipMessageParser::looksLikeSip("SIP/2.0 100 Trying\r\n"), L::Sip);
  EXPECT_EQ(SipMessageParser::looksLikeSip("OPTIONS * HTTP/1.1\r\n"), L::NotSip);
  EXPECT_EQ(SipMessageParser::looksLikeSip("GET / HTTP/1.1\r\n"), L::NotSip);
  EXPECT_EQ(SipMessageParser::looksLikeSip("\x16\x03\x01"), L::NotSip);
  EXPECT_EQ(SipMessageParser::looksLikeSip("INVITE sip:bob"), L::TooShort);
  EXPECT_EQ(SipMessageParser::looksLikeSip("SI"), L::TooShort);
}

}  // namespace
}  // namespace mamori
