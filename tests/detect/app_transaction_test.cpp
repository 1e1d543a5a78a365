// Rules over whole transactions and per-side buffers, fed as detection sees them: app
// records (HttpTransaction, TlsHandshake) through AppBufferBuilder into
// PacketInspector::inspectApp. Covers '=>' rules (parse errors with their columns, the
// phase they run in, both sides' buffers, addresses), the multi-valued
// http.request_header / http.response_header, and tls.random with its two slices.
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

using test::CollectingSink;
using test::Sids;

// The error a single rule fails with, or a test failure when it loads.
RuleError parseError(const std::string& text) {
  RuleParser parser;
  RuleError error;
  if (parser.parseRule(text, "t.rules", 1, error)) ADD_FAILURE() << "loaded: " << text;
  return error;
}

uint32_t columnOf(const std::string& text, const std::string& part) {
  return static_cast<uint32_t>(text.find(part) + 1);
}

TEST(TransactionalRuleParse, DirectionAndNamedSides) {
  RuleParser parser;
  RuleError error;
  auto rule = parser.parseRule(
      "alert http any any => any any (http.uri; content:\"/a\"; file.data: to_client; content:\"MZ\"; "
      "http.header:to_server; content:\"json\"; http.header: to_client; content:\"xml\"; sid:1;)",
      "t.rules", 1, error);
  ASSERT_TRUE(rule) << error.toString();
  EXPECT_EQ(rule->direction, RuleDirection::Transactional);
  // A buffer named with both sides is two chains.
  ASSERT_EQ(rule->app_buffers.size(), 4u);
  EXPECT_EQ(rule->app_buffers[1].buffer, AppBufferId::FileData);
  EXPECT_EQ(rule->app_buffers[1].side, BufferSide::ToClient);
  EXPECT_EQ(rule->app_buffers[2].side, BufferSide::ToServer);
  EXPECT_EQ(rule->app_buffers[3].side, BufferSide::ToClient);
  EXPECT_FALSE(rule->flow.to_server || rule->flow.to_client);

  // In a one-way rule the named side is the rule's direction.
  rule = parser.parseRule("alert http any any -> any any (file.data: to_client; content:\"MZ\"; sid:2;)", "t.rules", 1,
                          error);
  ASSERT_TRUE(rule) << error.toString();
  EXPECT_TRUE(rule->flow.to_client);
  EXPECT_EQ(rule->app_buffers[0].side, BufferSide::ToClient);
}

TEST(TransactionalRuleParse, ErrorsPointAtTheirColumn) {
  struct Case {
    std::string text, at, reason;
  };
  const Case cases[] = {
      {"alert http any any => any any (http.uri; content:\"/a\"; http.method; content:\"GET\"; sid:1;)", "=>",
       "needs keywords of both the request and the response"},
      {"alert http any any => any any (http.uri; content:\"/a\"; file.data; content:\"MZ\"; sid:1;)", "file.data",
       "file.data is in both directions"},
      {"alert http any any => any any (flow:established,to_server; http.uri; content:\"/a\"; http.stat_code; "
       "content:\"200\"; sid:1;)",
       "to_server", "no flow direction"},
      {"alert http any any => any any (http.uri: to_server; content:\"/a\"; http.stat_code; content:\"200\"; sid:1;)",
       "to_server", "http.uri takes no direction: it is the request's"},
      {"alert http any any => any any (file.data: sideways; content:\"x\"; sid:1;)", "sideways",
       "invalid direction 'sideways'"},
      {"alert http any any => any any (content:\"x\"; http_header; http.stat_code; content:\"200\"; sid:1;)",
       "http_header", "'http_header' is in both directions"},
      {"alert http any any -> any any (flow:to_server; file.data: to_client; content:\"x\"; sid:1;)", "to_client;",
       "contradicts"},
      {"alert http any any <- any any (http.uri; content:\"/a\"; sid:1;)", "<-", "expected ->, <> or =>"},
  };
  for (const Case& c : cases) {
    const RuleError e = parseError(c.text);
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << c.text << "\n  got: " << e.reason;
    EXPECT_EQ(e.column, columnOf(c.text, c.at)) << c.text << "\n  got: " << e.reason;
    EXPECT_EQ(e.sid, 1u);
  }
}

TEST(TransactionalRuleParse, OnlyHttpAndTlsHaveTransactions) {
  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert dns any any => any any (dns.query: to_server; content:\"a\"; dns.query: to_client; "
                   "content:\"b\"; sid:5;)\n",
                   "t.rules", parsed);
  ASSERT_EQ(parsed.rules.size(), 1u);
  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build(std::move(parsed.rules), errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].sid, 5u);
  EXPECT_NE(errors[0].reason.find("'=>' rules are for http and tls"), std::string::npos) << errors[0].reason;
}

// A client 10.0.0.1:40000 talking to 192.0.2.1:80 (or 443); each record is built into
// its phase's buffers and inspected as DetectObserver does, on a packet of the side that
// completed it.
class AppTransactionTest : public test::InspectorTest {
 protected:
  // A whole HTTP request or response comes as its headers' record, then its end's.
  Sids inspect(AppEvent event, const decltype(AppRecord::body)& body,
               const char* app_proto, uint16_t port = 80) {
    sink_.sids.clear();
    if (event == AppEvent::HttpRequest) inspectOne(AppEvent::HttpRequestHeaders, body, app_proto, port);
    if (event == AppEvent::HttpResponse) inspectOne(AppEvent::HttpResponseHeaders, body, app_proto, port);
    inspectOne(event, body, app_proto, port);
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }
  void inspectOne(AppEvent event, const decltype(AppRecord::body)& body, const char* app_proto, uint16_t port) {
    AppRecord record;
    record.event = event;
    record.body = body;
    const std::optional<AppPhase> phase = builder_.build(record);
    if (!phase) return;
    const bool to_server = *phase == AppPhase::HttpRequestHeaders || *phase == AppPhase::HttpRequest ||
                           *phase == AppPhase::TlsClientHello;
    const DecodedPacket pkt = test::clientServerPacket(to_server, port);
    FlowContext flow{7, to_server, true, {3, 3}, {100, 100}, &pool_, &handle_};
    flow.app_proto = app_proto;
    inspector_->inspectApp(pkt, flow, *phase, builder_.buffers(), sink_);
  }

  Sids request(const HttpTransaction& tx) { return inspect(AppEvent::HttpRequest, tx, "http"); }
  Sids response(const HttpTransaction& tx) { return inspect(AppEvent::HttpResponse, tx, "http"); }
  Sids tls(AppEvent event, const TlsHandshake& hs) { return inspect(event, hs, "tls", 443); }

  uint32_t handle_ = 0;
  AppBufferBuilder builder_;
  CollectingSink sink_;
};

// The fields of a POST whose response failed, as HttpParser fills them.
HttpTransaction seleniumExchange() {
  HttpTransaction tx;
  tx.method = "POST";
  tx.uri = tx.uri_raw = "/wd/hub/session";
  tx.protocol = tx.response_protocol = "HTTP/1.1";
  tx.request_line = "POST /wd/hub/session HTTP/1.1";
  tx.request_headers = "Host: grid:4444\r\nContent-Type: application/json\r\nX-Trace: req\r\n";
  tx.request_header_names = "\r\nHost\r\nContent-Type\r\nX-Trace\r\n\r\n";
  tx.request_content_type = "application/json";
  tx.request_body = "{\"goog:chromeOptions\": {\"binary\": \"/bin/sh\"}}";
  tx.status = 500;
  tx.status_msg = "Server Error";
  tx.response_line = "HTTP/1.1 500 Server Error";
  tx.response_headers = "Server: Jetty(9.4)\r\nContent-Type: text/plain\r\n";
  tx.response_header_names = "\r\nServer\r\nContent-Type\r\n\r\n";
  tx.response_content_type = "text/plain";
  tx.response_body = "WebDriverException: unknown error: Chrome failed to start";
  return tx;
}

TEST_F(AppTransactionTest, TransactionalRuleMatchesOnceWithBothSides) {
  load("alert http any any => any any (http.method; content:\"POST\"; http.request_body; content:\"binary\"; "
       "http.stat_code; content:\"500\"; file.data: to_client; content:\"WebDriverException\"; sid:1;)\n"
       // The request's body is not the response's file.data.
       "alert http any any => any any (http.method; content:\"POST\"; file.data: to_client; content:\"binary\"; "
       "sid:2;)\n"
       "alert http any any => any any (file.data: to_server; content:\"binary\"; http.stat_code; content:\"500\"; "
       "sid:3;)\n"
       // Each side of http.header by name, the request's one found at response time.
       "alert http any any => any any (http.header: to_server; content:\"X-Trace\"; http.header: to_client; "
       "content:\"Jetty\"; fast_pattern; sid:4;)\n"
       "alert http any any => any any (http.uri; content:\"/wd/\"; http.header: to_client; content:\"X-Trace\"; "
       "sid:5;)\n"
       // Source and destination keep their direction: the client is the source.
       "alert http 10.0.0.1 any => 192.0.2.1 80 (http.uri; content:\"/wd/\"; http.server; content:\"Jetty\"; sid:6;)\n"
       "alert http 192.0.2.1 80 => 10.0.0.1 any (http.uri; content:\"/wd/\"; http.server; content:\"Jetty\"; sid:7;)\n");
  const HttpTransaction tx = seleniumExchange();
  EXPECT_EQ(request(tx), Sids{});
  EXPECT_EQ(response(tx), (Sids{1, 3, 4, 6}));
  HttpTransaction ok = tx;
  ok.status = 200;
  EXPECT_EQ(response(ok), (Sids{4, 6}));
}

TEST_F(AppTransactionTest, FlowbitsSetOnTheRequestAreSeenByTheResponseRule) {
  load("alert http any any -> any any (flow:established,to_server; flowbits:set,rce; flowbits:noalert; http.uri; "
       "content:\"/wd/hub/session\"; sid:1;)\n"
       "alert http any any -> any any (flow:established,to_client; flowbits:isset,rce; http.stat_code; "
       "content:\"500\"; file.data; content:\"Chrome failed\"; sid:2;)\n");
  const HttpTransaction tx = seleniumExchange();
  EXPECT_EQ(request(tx), Sids{});
  EXPECT_EQ(response(tx), Sids{2});
}

TEST_F(AppTransactionTest, RequestAndResponseHeaderAreOneBufferPerLine) {
  load("alert http any any -> any any (http.request_header; content:\"Key|3a 20|\"; startswith; "
       "pcre:\"/^[a-z0-9]{8}$/R\"; bsize:13; sid:1;)\n"
       // No line holds the CRLF that ends it.
       "alert http any any -> any any (http.request_header; content:\"Key|3a 20|\"; startswith; "
       "pcre:\"/^[a-z0-9]{8}\\x0d\\x0a/R\"; sid:2;)\n"
       // The Cookie header, which http.header leaves out, is one of them.
       "alert http any any -> any any (http.request_header; content:\"Cookie: a=1\"; startswith; endswith; sid:3;)\n"
       "alert http any any -> any any (http.header; content:\"Cookie\"; sid:4;)\n"
       // A chain stays within one line.
       "alert http any any -> any any (http.request_header; content:\"Host\"; content:\"Key\"; distance:0; sid:5;)\n"
       "alert http any any -> any any (http.stat_code; content:\"200\"; http.response_header; "
       "content:\"Set-Cookie: s=2\"; bsize:15; sid:6;)\n"
       "alert http any any -> any any (http.response_header; content:\"first\"; fast_pattern; sid:7;)\n");
  HttpTransaction tx;
  tx.method = "GET";
  tx.uri = tx.uri_raw = "/ws";
  tx.request_headers = "Host: example.com\r\nKey: abcd1234\r\n";
  tx.request_cookie_line = "Cookie: a=1";
  tx.cookie = "a=1";
  tx.status = 200;
  tx.response_headers = "X-Order: first\r\n";
  tx.response_cookie_line = "Set-Cookie: s=2";
  EXPECT_EQ(request(tx), (Sids{1, 3}));
  EXPECT_EQ(response(tx), (Sids{6, 7}));
}

// An HTTP/2 stream's fields are http2.header / http2.header_name instances too, pseudo-headers
// first, on the side that sent them; HTTP/1's are not.
TEST_F(AppTransactionTest, Http2HeaderAndHeaderNameAreOneBufferPerField) {
  load("alert http2 any any -> any any (http2.header_name; content:\":authority\"; bsize:10; sid:1;)\n"
       "alert http2 any any -> any any (http2.header; content:\"x-id: 7\"; startswith; endswith; sid:2;)\n"
       "alert http2 any any -> any any (flow:to_client; http2.header_name; content:\":status\"; bsize:7; sid:3;)\n"
       "alert http2 any any -> any any (http2.header; content:\"cookie: a=1\"; bsize:11; sid:4;)\n");
  HttpTransaction tx;
  tx.http2_stream = 1;
  tx.method = "GET";
  tx.uri = tx.uri_raw = "/";
  tx.request_headers = ":method: GET\r\n:path: /\r\n:authority: example.com\r\nx-id: 7\r\n";
  tx.request_header_names = "\r\n:method\r\n:path\r\n:authority\r\nx-id\r\ncookie\r\n\r\n";
  tx.request_cookie_line = "cookie: a=1";
  tx.status = 200;
  tx.response_headers = ":status: 200\r\n";
  tx.response_header_names = "\r\n:status\r\n\r\n";
  EXPECT_EQ(inspect(AppEvent::HttpRequest, tx, "http2"), (Sids{1, 2, 4}));
  EXPECT_EQ(inspect(AppEvent::HttpResponse, tx, "http2"), Sids{3});
  tx.http2_stream = 0;
  EXPECT_EQ(inspect(AppEvent::HttpRequest, tx, "http"), Sids{});
}

// The randoms of a handshake whose hellos both arrived; the bytes are those of
// suricata-verify's tls-random case.
TlsHandshake helloPair() {
  TlsHandshake hs;
  hs.client_hello = hs.server_hello = true;
  hs.client_random_seen = true;
  hs.sni = "example.com";
  hs.ja3_hash = "fae0e5d973c96ae1888b99538efa0363";
  hs.ja3s_hash = "907bf3ecef1c987c889946b737b43de8";
  hs.version = 0x0303;
  for (uint8_t i = 0; i < 32; ++i) {
    hs.client_random[i] = static_cast<uint8_t>(0x10 + i);
    hs.server_random[i] = static_cast<uint8_t>(0x80 + i);
  }
  return hs;
}

TEST_F(AppTransactionTest, TlsRandomIsTheDirectionsHello) {
  load("alert tls any any -> any any (flow:to_server; tls.random; content:\"|10 11 12 13|\"; startswith; bsize:32; "
       "sid:1;)\n"
       "alert tls any any -> any any (flow:to_client; tls.random; content:\"|10 11 12 13|\"; sid:2;)\n"
       "alert tls any any -> any any (flow:to_client; tls.random_time; content:\"|80 81 82 83|\"; bsize:4; sid:3;)\n"
       "alert tls any any -> any any (flow:to_server; tls.random_bytes; content:\"|14 15|\"; startswith; "
       "content:\"|2f|\"; endswith; bsize:28; sid:4;)\n"
       // Without a direction, both hellos' randoms.
       "alert tls any any -> any any (tls.random_bytes; content:\"|9e 9f|\"; endswith; sid:5;)\n"
       "alert tls any any -> any any (tls.random_time; bsize:4; sid:6;)\n"
       // A '=>' rule sees both at the ServerHello.
       "alert tls any any => any any (tls.random: to_server; content:\"|10|\"; startswith; tls.random: to_client; "
       "content:\"|80|\"; startswith; sid:7;)\n"
       "alert tls any any => any any (ja3.hash; content:\"fae0e5d9\"; ja3s.hash; content:\"907bf3ec\"; sid:8;)\n");
  const TlsHandshake hs = helloPair();
  EXPECT_EQ(tls(AppEvent::TlsClientHello, hs), (Sids{1, 4, 6}));
  EXPECT_EQ(tls(AppEvent::TlsServerHello, hs), (Sids{3, 5, 6, 7, 8}));
  // The certificates phase repeats the ServerHello's buffers, but each rule runs in one phase.
  EXPECT_EQ(tls(AppEvent::TlsCertificates, hs), Sids{});

  // An SSLv2 ClientHello has no random.
  TlsHandshake v2;
  v2.client_hello = true;
  v2.client_version = 0x0002;
  EXPECT_EQ(tls(AppEvent::TlsClientHello, v2), Sids{});
}

}  // namespace
}  // namespace mamori
