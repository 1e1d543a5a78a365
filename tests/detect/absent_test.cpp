// absent / absent: or_else on app-layer buffers (Suricata 8), and how the buffers tell a
// missing header or body from an empty one.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "detect/app_buffer_builder.h"
#include "detect/packet_inspector.h"
#include "rules/rule_parser.h"
#include "tests/detect/rule_set_builder.h"
#include "tests/detect/detect_test_support.h"

namespace mamori {
namespace {

const std::string kHead = "alert http any any -> any any (";

TEST(AbsentRuleTest, ParsedOntoItsBuffer) {
  RuleParser parser;
  RuleError error;
  std::optional<Rule> r = parser.parseRule(
      kHead + "http.request_body; absent; http.user_agent; absent: or_else; content:!\"curl\"; sid:1;)", "a.rules", 1,
      error);
  ASSERT_TRUE(r) << error.toString();
  ASSERT_EQ(r->app_buffers.size(), 2u);
  EXPECT_EQ(r->app_buffers[0].absence, AppBufferMatch::Absence::Absent);
  EXPECT_TRUE(r->app_buffers[0].matches.empty());
  EXPECT_EQ(r->app_buffers[1].absence, AppBufferMatch::Absence::AbsentOrElse);
  EXPECT_EQ(r->app_buffers[1].matches.size(), 1u);
}

TEST(AbsentRuleTest, RefusalsPointAtTheKeyword) {
  test::expectRefusals(kHead, {
      {"absent;", "absent", "needs an app-layer sticky buffer"},
      {"content:\"x\"; http_client_body; absent;", "absent", "needs an app-layer sticky buffer"},
      {"http.request_body; content:\"x\"; absent;", "absent", "right after its sticky buffer"},
      {"http.request_body; absent; absent: or_else; content:!\"x\";", "absent: or_else", "right after its sticky buffer"},
      {"http.request_body; absent: maybe;", "maybe", "invalid absent option"},
      {"http.request_body; absent; content:!\"x\";", "absent", "also tested by other keywords"},
      {"http.request_body; absent; bsize:>0;", "absent", "also tested by other keywords"},
      {"http.request_body; absent; http.method; content:\"POST\"; http.request_body; content:!\"x\";", "absent",
       "also tested by other keywords"},
      {"http.request_body; absent: or_else; http.method; content:\"POST\";", "absent", "needs keywords after it"},
      {"http.request_body; absent: or_else; content:\"x\"; fast_pattern;", "absent", "fast_pattern"},
      {"http.request_body; absent; url_decode;", "url_decode", "must follow its sticky buffer"},
  });
}

using test::CollectingSink;
using test::Sids;

using Values = std::vector<std::pair<AppBufferId, std::string>>;

class AbsentMatchTest : public ::testing::Test {
 protected:
  void load(const std::string& rules) {
    db_ = test::buildRuleSet(rules);
    ASSERT_NE(db_, nullptr);
    inspector_ = std::make_unique<PacketInspector>(db_);
  }

  Sids run(AppPhase phase, const Values& values) {
    std::vector<AppBuffer> buffers;
    for (const auto& [id, text] : values) buffers.push_back({id, reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    return run(phase, buffers);
  }

  Sids run(AppPhase phase, std::span<const AppBuffer> buffers) {
    DecodedPacket pkt;
    IpAddress::parse("10.0.0.1", pkt.src);
    IpAddress::parse("192.0.2.1", pkt.dst);
    pkt.ip_version = 4;
    pkt.proto = phase == AppPhase::DnsRequest ? 17 : 6;
    pkt.sport = 40000;
    pkt.dport = phase == AppPhase::DnsRequest ? 53 : 80;
    FlowContext flow{1, true, true};
    flow.app_proto = phase == AppPhase::DnsRequest ? "dns" : "http";
    sink_.sids.clear();
    for (AppPhase step : test::stepsOf(phase)) inspector_->inspectApp(pkt, flow, step, buffers, sink_);
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }

  std::shared_ptr<const SignatureDatabase> db_;
  std::unique_ptr<PacketInspector> inspector_;
  CollectingSink sink_;
};

TEST_F(AbsentMatchTest, AbsentAndOrElse) {
  load(kHead + "http.request_body; absent; http.method; content:\"POST\"; sid:1;)\n" +
       kHead + "http.request_body; absent: or_else; content:!\"abc\"; sid:2;)\n" +
       kHead + "http.request_body; content:!\"abc\"; sid:3;)\n" +
       // A positive content under or_else is not required: another buffer's is the prefilter.
       kHead + "http.request_body; absent: or_else; content:\"needle\"; http.method; content:\"POST\"; sid:4;)\n" +
       kHead + "http.request_body; absent: or_else; bsize:<3; sid:5;)\n");
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpMethod, "POST"}}), (Sids{1, 2, 4, 5}));
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpMethod, "POST"}, {AppBufferId::HttpRequestBody, "xy"}}),
            (Sids{2, 3, 5}));
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpMethod, "POST"}, {AppBufferId::HttpRequestBody, "abc needle"}}),
            Sids{4});
}

// A multi-valued buffer is absent only when it has no value at all.
TEST_F(AbsentMatchTest, MultiValuedBuffer) {
  load("alert dns any any -> any any (dns.query; absent; sid:1;)\n"
       "alert dns any any -> any any (dns.query; absent: or_else; content:!\"evil\"; sid:2;)\n");
  EXPECT_EQ(run(AppPhase::DnsRequest, Values{}), (Sids{1, 2}));
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "good.example"}}), Sids{2});
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "good.example"}, {AppBufferId::DnsQuery, "evil.example"}}),
            Sids{2});
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "evil.example"}}), Sids{});
}

// A header sent without a value is an empty buffer, which bsize:0 and negated contents
// match; a header not sent is no buffer, which only absent matches. A request without a
// body has no body buffer.
TEST_F(AbsentMatchTest, EmptyHeaderIsPresentMissingOneIsAbsent) {
  load(kHead + "http.user_agent; bsize:0; sid:1;)\n" +
       kHead + "http.user_agent; content:!\"u\"; sid:2;)\n" +
       kHead + "http.user_agent; absent; sid:3;)\n" +
       kHead + "http.accept; absent; sid:4;)\n" +
       kHead + "http.request_body; absent; sid:5;)\n" +
       kHead + "http.referer; bsize:0; sid:6;)\n");
  AppRecord record;
  record.event = AppEvent::HttpRequest;
  HttpTransaction tx;
  tx.method = "GET";
  tx.uri = tx.uri_raw = "/";
  tx.request_headers = "Host: localhost\r\nUser-Agent: \r\nAccept:\r\nReferer: \r\n";
  record.body = tx;
  AppBufferBuilder builder;
  ASSERT_EQ(builder.build(record), AppPhase::HttpRequest);
  EXPECT_EQ(run(AppPhase::HttpRequest, builder.buffers()), (Sids{1, 2, 5, 6}));

  tx.request_headers = "Host: localhost\r\n";
  record.body = tx;
  ASSERT_EQ(builder.build(record), AppPhase::HttpRequest);
  EXPECT_EQ(run(AppPhase::HttpRequest, builder.buffers()), (Sids{3, 4, 5}));
}

}  // namespace
}  // namespace mamori
