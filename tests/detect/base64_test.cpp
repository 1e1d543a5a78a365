// base64_decode / base64_data: Suricata's lenient decoder, the rule model and its
// refusals, and matching on packets and app-layer buffers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/base64_decode.h"
#include "detect/packet_inspector.h"
#include "rules/rule_parser.h"
#include "tests/detect/rule_set_builder.h"
#include "tests/detect/detect_test_support.h"

namespace mamori {
namespace {

// base64_decode's decoding: from_base64's RFC 4648 mode.
std::string decoded(const std::string& text) {
  std::string out = "stale";
  base64Decode(Transform::FromBase64::Mode::Rfc4648, text, out);
  return out;
}

TEST(Base64DecoderTest, StandardVectors) {
  EXPECT_EQ(decoded(""), "");
  EXPECT_EQ(decoded("Zg=="), "f");
  EXPECT_EQ(decoded("Zm8="), "fo");
  EXPECT_EQ(decoded("Zm9v"), "foo");
  EXPECT_EQ(decoded("Zm9vYg=="), "foob");
  EXPECT_EQ(decoded("Zm9vYmE="), "fooba");
  EXPECT_EQ(decoded("Zm9vYmFy"), "foobar");
  EXPECT_EQ(decoded("+/+/"), "\xfb\xff\xbf");
}

// RFC 4648 mode: the first byte outside the alphabet ends the data; what was read before
// it still decodes, a cut group as if padded.
TEST(Base64DecoderTest, StopsAtTheFirstInvalidByte) {
  EXPECT_EQ(decoded("Zm 9v Ym Fy"), "f");
  EXPECT_EQ(decoded("Zm$9vYm.Fy"), "f");
  EXPECT_EQ(decoded("Zm9v\r\nYmFy"), "foo");
  EXPECT_EQ(decoded("*Zm9v"), "");
  EXPECT_EQ(decoded("Zm9v\x80YmFy"), "foo");
  EXPECT_EQ(decoded("Y21Wd2IzSjBaVzFoYVd4bWNtRjFaRUJoZEc4dVoyOTJMbUYxOmpqcHh4b3Rhb2w%3D"),
            "cmVwb3J0ZW1haWxmcmF1ZEBhdG8uZ292LmF1:jjpxxotaol");
}

TEST(Base64DecoderTest, PaddingAndCutGroups) {
  EXPECT_EQ(decoded("Zm9vYg"), "foob");    // two left over: one byte
  EXPECT_EQ(decoded("Zm9vYmE"), "fooba");  // three left over: two bytes
  EXPECT_EQ(decoded("Zg==Zm8="), "ffo");   // '=' ends a group, not the data
  EXPECT_EQ(decoded("Zg=Zm9v"), "f\x9b\xdb");  // "Zg=Z" padded at its third, then "m9v" cut
  // A group without two characters before its padding fails everything decoded.
  EXPECT_EQ(decoded("Zm9vY"), "");
  EXPECT_EQ(decoded("Zm9v====Zm9v"), "");
  EXPECT_EQ(decoded("Zm9v=Zm9"), "");
  EXPECT_EQ(decoded("===="), "");
}

// ---- the rule model ----

const std::string kHead = "alert tcp any any -> any any (";

Rule parseOk(const std::string& options) {
  RuleParser parser;
  RuleError error;
  std::optional<Rule> rule = parser.parseRule(kHead + options + " sid:1;)", "b.rules", 2, error);
  EXPECT_TRUE(rule.has_value()) << options << " -> " << error.toString();
  return rule ? std::move(*rule) : Rule{};
}

TEST(Base64RuleTest, DecodeGoesWithTheContentsBeforeItAndDataIsItsOwnChain) {
  Rule r = parseOk("content:\"arg\"; http_uri; base64_decode:bytes 17, offset 1, relative; base64_data; "
                   "content:\"thisisatest\"; nocase;");
  EXPECT_TRUE(r.payload.empty());
  ASSERT_EQ(r.app_buffers.size(), 1u);
  EXPECT_EQ(r.app_buffers[0].buffer, AppBufferId::HttpUri);
  ASSERT_EQ(r.app_buffers[0].matches.size(), 2u);
  const auto& decode = std::get<Base64Decode>(r.app_buffers[0].matches[1]);
  EXPECT_EQ(decode.bytes, 17u);
  EXPECT_EQ(decode.offset, 1u);
  EXPECT_TRUE(decode.relative);
  ASSERT_EQ(r.base64_data.size(), 1u);
  EXPECT_TRUE(std::get<ContentMatch>(r.base64_data[0]).nocase);

  Rule defaults = parseOk("http.request_body; content:\"x\"; base64_decode; base64_data; content:\"y\";");
  const auto& d = std::get<Base64Decode>(defaults.app_buffers[0].matches[1]);
  EXPECT_EQ(d.bytes, 65535u);
  EXPECT_EQ(d.offset, 0u);
  EXPECT_FALSE(d.relative);
  EXPECT_EQ(std::get<Base64Decode>(parseOk("base64_decode:bytes 0; base64_data; content:\"y\";").payload[0]).bytes,
            65535u);
}

TEST(Base64RuleTest, RefusalsPointAtTheKeyword) {
  test::expectRefusals(kHead, {
      {"base64_data; content:\"x\";", "base64_data", "needs a base64_decode before it"},
      {"content:\"a\"; base64_decode; content:\"x\";", "base64_decode", "without base64_data"},
      {"base64_decode; base64_data;", "base64_data", "needs keywords after it"},
      {"base64_decode:bytes 70000; base64_data; content:\"x\";", "bytes 70000", "invalid base64_decode bytes"},
      {"base64_decode:bytes -1; base64_data; content:\"x\";", "bytes -1", "invalid base64_decode bytes"},
      {"base64_decode:offset x; base64_data; content:\"x\";", "offset x", "invalid base64_decode offset"},
      {"base64_decode:bytes 5, relatve; base64_data; content:\"x\";", "relatve", "invalid base64_decode option"},
      {"base64_decode:bytes 5, bytes 6; base64_data; content:\"x\";", "bytes 6", "each once"},
      {"base64_decode; base64_data; content:\"x\"; http.uri; content:\"y\";", "http.uri", "after base64_data"},
      {"base64_decode; base64_data; content:\"x\"; pkt_data; content:\"y\";", "pkt_data", "after base64_data"},
      {"base64_decode; base64_data; content:\"x\"; http_uri;", "http_uri", "after base64_data"},
      {"base64_decode; base64_data; content:\"x\"; pcre:\"/y/U\";", "pcre", "after base64_data"},
      {"base64_decode; base64_data; base64_decode; content:\"x\";", "base64_decode;", "after base64_data"},
  });
}

// ---- matching ----

using test::CollectingSink;
using test::Sids;

class Base64MatchTest : public ::testing::Test {
 protected:
  void load(const std::string& rules) {
    db_ = test::buildRuleSet(rules);
    ASSERT_NE(db_, nullptr);
    inspector_ = std::make_unique<PacketInspector>(db_);
  }

  DecodedPacket packet(const std::string& payload, uint8_t proto) {
    DecodedPacket pkt;
    IpAddress::parse("10.0.0.1", pkt.src);
    IpAddress::parse("192.0.2.1", pkt.dst);
    pkt.ip_version = 4;
    pkt.proto = proto;
    pkt.sport = 40000;
    pkt.dport = 80;
    pkt.payload = reinterpret_cast<const uint8_t*>(payload.data());
    pkt.payload_len = static_cast<uint32_t>(payload.size());
    return pkt;
  }

  Sids onPayload(const std::string& payload) {
    sink_.sids.clear();
    inspector_->inspect(packet(payload, 17), FlowContext{1, true}, sink_);
    return sink_.sids;
  }

  Sids onRequest(const std::vector<std::pair<AppBufferId, std::string>>& values) {
    const DecodedPacket pkt = packet("", 6);
    FlowContext flow{1, true, true};
    flow.app_proto = "http";
    std::vector<AppBuffer> buffers;
    for (const auto& [id, text] : values) buffers.push_back({id, reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    sink_.sids.clear();
    for (AppPhase step : test::stepsOf(AppPhase::HttpRequest)) inspector_->inspectApp(pkt, flow, step, buffers, sink_);
    return sink_.sids;
  }

  std::shared_ptr<const SignatureDatabase> db_;
  std::unique_ptr<PacketInspector> inspector_;
  CollectingSink sink_;
};

TEST_F(Base64MatchTest, DecodesAfterThePreviousMatchOnThePayload) {
  load("alert udp any any -> any any (content:\"arg=\"; base64_decode:relative; base64_data; content:\"foobar\"; sid:1;)\n"
       "alert udp any any -> any any (content:\"arg\"; base64_decode:offset 1, relative; base64_data; "
       "content:\"foo\"; content:\"bar\"; distance:0; within:3; sid:2;)\n"
       "alert udp any any -> any any (content:\"arg=\"; base64_decode:bytes 4, relative; base64_data; "
       "content:\"foo\"; sid:3;)\n"
       "alert udp any any -> any any (content:\"arg=\"; base64_decode:bytes 4, relative; base64_data; "
       "content:\"foob\"; sid:4;)\n"
       "alert udp any any -> any any (base64_decode:offset 4; base64_data; content:\"foobar\"; startswith; "
       "pcre:\"/^foobar$/\"; sid:5;)\n");
  EXPECT_EQ(onPayload("arg=Zm9vYmFy"), (Sids{1, 2, 3, 5}));
  // Decoding stops at the space: "foo" only.
  EXPECT_EQ(onPayload("arg=Zm9v YmFy"), (Sids{3}));
  EXPECT_EQ(onPayload("xyz=Zm9vYmFy"), (Sids{5}));
}

TEST_F(Base64MatchTest, OffsetOrBytesPastTheDataDecodeNothing) {
  load("alert udp any any -> any any (base64_decode:offset 12; base64_data; content:!\"z\"; sid:1;)\n"
       "alert udp any any -> any any (content:\"Zm9v\"; endswith; base64_decode:relative; base64_data; "
       "content:!\"z\"; sid:2;)\n"
       "alert udp any any -> any any (base64_decode:bytes 65535, offset 8; base64_data; content:\"foo\"; sid:3;)\n");
  // 12 bytes: offset 12 is past them, and so is the end of the last "Zm9v"; bytes past
  // the data decode what there is.
  EXPECT_EQ(onPayload("Zm9vYmFyZm9v"), (Sids{3}));
  // Nothing decodes from a byte outside the alphabet: no decoded data, no match even
  // for a negated content.
  EXPECT_EQ(onPayload("Zm9vYmFy!!!!!"), Sids{});
}

// As in Suricata: base64_data's keywords decide, keywords left between base64_decode and
// base64_data are never reached, and the content before base64_decode is not retried at
// its next occurrence.
TEST_F(Base64MatchTest, DataChainEndsTheRule) {
  load("alert udp any any -> any any (base64_decode; content:!\"Zm9v\"; base64_data; content:\"foo\"; sid:1;)\n"
       "alert udp any any -> any any (content:\"a=\"; base64_decode:relative; base64_data; content:\"foo\"; sid:2;)\n");
  EXPECT_EQ(onPayload("Zm9v"), Sids{1});
  EXPECT_EQ(onPayload("a=!! a=Zm9v"), Sids{});
  EXPECT_EQ(onPayload("a=Zm9v a=!!"), Sids{2});
}

// Contents of base64_data are verified, never prefiltered: the encoded buffer does not
// hold them.
TEST_F(Base64MatchTest, AppBuffersAndPrefilter) {
  load("alert http any any -> any any (content:\"arg\"; http_uri; base64_decode:bytes 17, offset 1, relative; "
       "base64_data; content:\"thisisatest\"; sid:1;)\n"
       "alert http any any -> any any (content:\"arg\"; http_uri; base64_decode:bytes 10, offset 1, relative; "
       "base64_data; content:\"test\"; sid:2;)\n"
       "alert http any any -> any any (http.request_body; url_decode; content:\"API=\"; startswith; "
       "base64_decode:relative; base64_data; content:\"cmVwb3J\"; sid:3;)\n"
       "alert http any any -> any any (http.request_body; base64_decode; base64_data; content:\"secret\"; sid:4;)\n");
  EXPECT_EQ(onRequest({{AppBufferId::HttpUri, "/?arg=dGhpc2lzYXRlc3QK"}}), Sids{1});
  EXPECT_EQ(onRequest({{AppBufferId::HttpRequestBody,
                        "API=Y21Wd2IzSjBaVzFoYVd4bWNtRjFaRUJoZEc4dVoyOTJMbUYxOmpqcHh4b3Rhb2w%3D"}}),
            Sids{3});
  EXPECT_EQ(onRequest({{AppBufferId::HttpRequestBody, "c2VjcmV0"}}), Sids{4});
}

}  // namespace
}  // namespace mamori
