#include "applayer/http_parser.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/applayer/http_test_util.h"

namespace mamori {
namespace {

using test::feed;
using test::gzip;
using test::RecordingSink;
constexpr auto kToServer = Direction::ToServer;
constexpr auto kToClient = Direction::ToClient;

const std::string kGet =
    "GET /a/./b/../c%41?q=%41+b&r=1 HTTP/1.1\r\n"
    "Host: Example.COM:8080\r\n"
    "User-Agent: curl/8.0\r\n"
    "Referer: http://ref.example/\r\n"
    "Cookie: sid=42\r\n"
    "Accept: */*\r\n"
    "\r\n";
const std::string kOk =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Set-Cookie: sid=43\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";

std::string response(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\n" + extra + "Content-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// Each step of a transaction is reported when it is reached, as Suricata inspects the
// request line and headers before any body: an upload whose body never ends has its
// headers reported at once, and its end only with the flow's.
TEST(HttpParser, HeadersAreReportedBeforeTheirBody) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nfirst part", sink);
  EXPECT_EQ(sink.steps, (std::vector<std::string>{"reqh 0"}));
  ASSERT_EQ(sink.request_headers.size(), 1u);
  EXPECT_EQ(sink.request_headers[0].uri, "/upload");
  EXPECT_EQ(sink.request_headers[0].method, "POST");
  EXPECT_EQ(sink.request_headers[0].request_content_length, 100000);
  feed(p, kToServer, "more of it", sink);
  EXPECT_EQ(sink.steps.size(), 1u) << "nothing more until the body ends";
  p.onEnd(0, sink);
  EXPECT_EQ(sink.steps, (std::vector<std::string>{"reqh 0", "req 0", "resh 0", "res 0"}));
  EXPECT_FALSE(sink.requests[0].request_complete);
  EXPECT_EQ(sink.requests[0].request_body, "first partmore of it");

  // A response's status line and headers, before its body; each step once.
  HttpParser q({});
  RecordingSink both;
  feed(q, kToServer, kGet, both);
  feed(q, kToClient, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", both);
  EXPECT_EQ(both.steps, (std::vector<std::string>{"reqh 0", "req 0", "resh 0"}));
  EXPECT_EQ(both.response_headers[0].status, 200);
  feed(q, kToClient, "defghij", both);
  EXPECT_EQ(both.steps, (std::vector<std::string>{"reqh 0", "req 0", "resh 0", "res 0"}));
  EXPECT_EQ(both.responses[0].response_body, "abcdefghij");
  q.onEnd(0, both);
  EXPECT_EQ(both.steps.size(), 4u);
}

TEST(HttpParser, GetAndResponseFields) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, kGet, sink);
  ASSERT_EQ(sink.requests.size(), 1u);
  EXPECT_TRUE(sink.responses.empty());
  feed(p, kToClient, kOk, sink);
  ASSERT_EQ(sink.responses.size(), 1u);
  EXPECT_EQ(sink.order, (std::vector<std::string>{"req 0", "res 0"}));

  const HttpTransaction& t = sink.responses[0];
  EXPECT_EQ(t.id, 0u);
  EXPECT_EQ(t.method, "GET");
  EXPECT_EQ(t.uri_raw, "/a/./b/../c%41?q=%41+b&r=1");
  EXPECT_EQ(t.uri, "/a/cA?q=A+b&r=1");  // dot segments gone, escapes decoded, '+' kept
  EXPECT_EQ(t.protocol, "HTTP/1.1");
  EXPECT_EQ(t.host, "example.com");
  EXPECT_EQ(t.host_raw, "Example.COM:8080");
  EXPECT_EQ(t.user_agent, "curl/8.0");
  EXPECT_EQ(t.referer, "http://ref.example/");
  EXPECT_EQ(t.cookie, "sid=42");
  EXPECT_EQ(t.request_line, "GET /a/./b/../c%41?q=%41+b&r=1 HTTP/1.1");
  EXPECT_EQ(t.request_headers,
            "Host: Example.COM:8080\r\nUser-Agent: curl/8.0\r\nReferer: http://ref.example/\r\nAccept: */*\r\n");
  EXPECT_EQ(t.request_header_names, "\r\nHost\r\nUser-Agent\r\nReferer\r\nCookie\r\nAccept\r\n\r\n");
  EXPECT_EQ(t.request_cookie_line, "Cookie: sid=42");  // http.request_header has it, http.header not
  EXPECT_EQ(t.request_content_length, -1);
  EXPECT_TRUE(t.request_body.empty());

  EXPECT_EQ(t.status, 200);
  EXPECT_EQ(t.status_msg, "OK");
  EXPECT_EQ(t.response_protocol, "HTTP/1.1");
  EXPECT_EQ(t.response_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(t.response_headers, "Content-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\n");
  EXPECT_EQ(t.response_header_names, "\r\nContent-Type\r\nSet-Cookie\r\nContent-Length\r\n\r\n");
  EXPECT_EQ(t.response_cookie_line, "Set-Cookie: sid=43");
  EXPECT_EQ(t.response_content_type, "text/html");
  EXPECT_EQ(t.response_content_length, 5);
  EXPECT_EQ(t.response_body, "hello");
  EXPECT_EQ(t.response_body_bytes, 5u);
  EXPECT_TRUE(t.request_complete);
  EXPECT_TRUE(t.response_complete);

  p.onEnd(0, sink);
  EXPECT_EQ(sink.order.size(), 2u) << "nothing is reported twice";
  EXPECT_EQ(p.counters().requests, 1u);
  EXPECT_EQ(p.counters().responses, 1u);
  EXPECT_EQ(p.counters().incomplete, 0u);
  EXPECT_EQ(p.counters().stream_errors, 0u);
}

TEST(HttpParser, PostBodyAndRedirect) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer,
       "POST /login HTTP/1.1\r\nHost: a\r\nContent-Type: Application/X-WWW-Form-Urlencoded; charset=x\r\n"
       "Content-Length: 11\r\n\r\nuser=a&pw=b",
       sink);
  ASSERT_EQ(sink.requests.size(), 1u);
  EXPECT_EQ(sink.requests[0].method, "POST");
  EXPECT_EQ(sink.requests[0].request_body, "user=a&pw=b");
  EXPECT_EQ(sink.requests[0].request_content_length, 11);
  EXPECT_EQ(sink.requests[0].request_content_type, "application/x-www-form-urlencoded");
  feed(p, kToClient, response(302, "", "Location: /home\r\n"), sink);
  ASSERT_EQ(sink.responses.size(), 1u);
  EXPECT_EQ(sink.responses[0].status, 302);
  EXPECT_EQ(sink.responses[0].location, "/home");
  EXPECT_EQ(sink.responses[0].request_body, "user=a&pw=b") << "the response report carries the request too";
}

TEST(HttpParser, BodiesAreCappedAtTheirDepth) {
  HttpParser::Config c;
  c.request_body_depth = 100;
  c.response_body_depth = 50;
  HttpParser p(c);
  RecordingSink sink;
  std::string body(1000, 'x');
  body[0] = 'a';
  feed(p, kToServer, "PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + body, sink, 300);
  feed(p, kToClient, response(200, body), sink, 300);
  ASSERT_EQ(sink.responses.size(), 1u);
  EXPECT_EQ(sink.responses[0].request_body, body.substr(0, 100));
  EXPECT_EQ(sink.responses[0].response_body, body.substr(0, 50));
  EXPECT_EQ(sink.responses[0].response_body_bytes, 1000u);
  EXPECT_EQ(p.counters().request_bodies_truncated, 1u);
  EXPECT_EQ(p.counters().response_bodies_truncated, 1u);
}

TEST(HttpParser, PipelinedRequestsMatchResponsesInOrder) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer,
       "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n"
       "POST /3 HTTP/1.1\r\nHost: c\r\nContent-Length: 3\r\n\r\nabc",
       sink);
  EXPECT_EQ(sink.order, (std::vector<std::string>{"req 0", "req 1", "req 2"}));
  feed(p, kToClient, response(200, "one") + response(404, "") + response(201, "three"), sink);
  ASSERT_EQ(sink.responses.size(), 3u);
  const char* uris[] = {"/1", "/2", "/3"};
  const int statuses[] = {200, 404, 201};
  const char* bodies[] = {"one", "", "three"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sink.responses[i].id, i);
    EXPECT_EQ(sink.responses[i].uri, uris[i]);
    EXPECT_EQ(sink.responses[i].status, statuses[i]);
    EXPECT_EQ(sink.responses[i].response_body, bodies[i]);
  }
  EXPECT_EQ(sink.responses[2].request_body, "abc");
}

TEST(HttpParser, ByteByByteGivesTheSameTransaction) {
  RecordingSink whole, bytes;
  HttpParser a({}), b({});
  feed(a, kToServer, kGet, whole);
  feed(a, kToClient, kOk, whole);
  feed(b, kToServer, kGet, bytes, 1);
  feed(b, kToClient, kOk, bytes, 1);
  ASSERT_EQ(whole.responses.size(), 1u);
  ASSERT_EQ(bytes.responses.size(), 1u);
  const HttpTransaction& x = whole.responses[0];
  const HttpTransaction& y = bytes.responses[0];
  EXPECT_EQ(y.uri, x.uri);
  EXPECT_EQ(y.host, x.host);
  EXPECT_EQ(y.request_headers, x.request_headers);
  EXPECT_EQ(y.response_headers, x.response_headers);
  EXPECT_EQ(y.response_body, "hello");
  EXPECT_EQ(y.status, 200);
}

TEST(HttpParser, KeepAliveFlowReportsEveryTransaction) {
  HttpParser p({});
  RecordingSink sink;
  for (int i = 0; i < 1000; ++i) {
    feed(p, kToServer, "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: a\r\n\r\n", sink);
    feed(p, kToClient, response(200, std::to_string(i)), sink);
  }
  p.onEnd(0, sink);
  ASSERT_EQ(sink.responses.size(), 1000u);
  for (size_t i = 0; i < 1000; ++i) {
    ASSERT_EQ(sink.responses[i].id, i);
    ASSERT_EQ(sink.responses[i].uri, "/" + std::to_string(i));
    ASSERT_EQ(sink.responses[i].response_body, std::to_string(i));
  }
  EXPECT_EQ(p.counters().incomplete, 0u);
}

TEST(HttpParser, ChunkedResponseIsDechunked) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", sink);
  const std::string chunked = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";
  feed(p, kToClient, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked, sink, 7);
  ASSERT_EQ(sink.responses.size(), 1u);
  EXPECT_EQ(sink.responses[0].response_body, "hello, world");
  // EVE's length is libhtp's count of the body as sent: chunk framing included.
  EXPECT_GT(sink.responses[0].response_body_bytes, 12u);
  EXPECT_LE(sink.responses[0].response_body_bytes, chunked.size());
  EXPECT_TRUE(sink.responses[0].response_complete);
}

TEST(HttpParser, GzipResponseIsInflated) {
  HttpParser p({});
  RecordingSink sink;
  const std::string text = "<html>" + std::string(300, 'a') + "compressible, compressible, compressible</html>";
  const std::string body = gzip(text);
  ASSERT_LT(body.size(), text.size());
  feed(p, kToServer, "GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n", sink);
  feed(p, kToClient, response(200, body, "Content-Encoding: gzip\r\n"), sink, 16);
  ASSERT_EQ(sink.responses.size(), 1u);
  EXPECT_EQ(sink.responses[0].response_body, text);
  EXPECT_EQ(sink.responses[0].response_body_bytes, body.size());
  EXPECT_EQ(p.counters().parse_errors, 0u);
}

TEST(HttpParser, GzipBombIsCappedAndCounted) {
  HttpParser p({});
  RecordingSink sink;
  // 16 MB of one byte, compressed twice: under 2 KB on the wire, a ratio libhtp refuses.
  const std::string plain(16 << 20, 'A');
  const std::string body = gzip(gzip(plain));
  ASSERT_LT(body.size(), 4096u);
  feed(p, kToServer, "GET /bomb HTTP/1.1\r\nHost: a\r\n\r\n", sink);
  feed(p, kToClient, response(200, body, "Content-Encoding: gzip, gzip\r\n"), sink, 1460);
  p.onEnd(0, sink);
  ASSERT_EQ(sink.responses.size(), 1u);
  const HttpTransaction& t = sink.responses[0];
  EXPECT_LE(t.response_body.size(), 4096u);
  EXPECT_EQ(t.response_body, std::string(t.response_body.size(), 'A'));
  EXPECT_GE(p.counters().decompression_bombs, 1u);
}

TEST(HttpParser, ContinueThenFinalResponseIsOneTransaction) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, "POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n", sink);
  feed(p, kToClient, "HTTP/1.1 100 Continue\r\n\r\n", sink);
  feed(p, kToServer, "data", sink);
  feed(p, kToClient, response(200, "ok"), sink);
  p.onEnd(0, sink);
  ASSERT_EQ(sink.responses.size(), 1u);
  EXPECT_EQ(sink.responses[0].status, 200);
  EXPECT_EQ(sink.responses[0].request_body, "data");
  EXPECT_EQ(sink.responses[0].response_body, "ok");
  EXPECT_TRUE(sink.responses[0].request_complete);
  EXPECT_TRUE(sink.responses[0].response_complete);
}

TEST(HttpParser, TruncatedFlowReportsWhatItSawOnce) {
  {
    HttpParser p({});
    RecordingSink sink;
    feed(p, kToServer, "GET /x HTTP/1.1\r\nHost: a\r\nAcc", sink);
    EXPECT_TRUE(sink.order.empty());
    p.onEnd(0, sink);
    p.onEnd(0, sink);
    EXPECT_EQ(sink.order, (std::vector<std::string>{"req 0", "res 0"}));
    EXPECT_EQ(sink.requests[0].uri, "/x");
    EXPECT_FALSE(sink.requests[0].request_complete);
    EXPECT_FALSE(sink.responses[0].response_complete);
    EXPECT_EQ(sink.responses[0].status, 0);
    EXPECT_EQ(p.counters().incomplete, 1u);
  }
  {
    HttpParser p({});
    RecordingSink sink;
    feed(p, kToServer, "GET /y HTTP/1.1\r\nHost: a\r\n\r\n", sink);
    feed(p, kToClient, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", sink);
    p.onEnd(0, sink);
    ASSERT_EQ(sink.responses.size(), 1u);
    EXPECT_TRUE(sink.responses[0].request_complete);
    EXPECT_FALSE(sink.responses[0].response_complete);
    EXPECT_EQ(sink.responses[0].status, 200);
    EXPECT_EQ(sink.responses[0].response_body, "0123456789");
  }
  {
    // A body delimited by the connection's end is complete when the flow ends.
    HttpParser p({});
    RecordingSink sink;
    feed(p, kToServer, "GET /z HTTP/1.0\r\n\r\n", sink);
    feed(p, kToClient, "HTTP/1.0 200 OK\r\n\r\nuntil close", sink);
    EXPECT_TRUE(sink.responses.empty());
    p.onEnd(0, sink);
    ASSERT_EQ(sink.responses.size(), 1u);
    EXPECT_TRUE(sink.responses[0].response_complete);
    EXPECT_EQ(sink.responses[0].response_body, "until close");
    EXPECT_EQ(p.counters().incomplete, 0u);
  }
}

TEST(HttpParser, RawHeadersKeepTheirSpacingAndFolding) {
  HttpParser p({});
  RecordingSink sink;
  const std::string request_headers = "Host:   a\r\nX-Long: one\r\n  two\r\n\r\n";
  feed(p, kToServer, "GET / HTTP/1.1\r\n" + request_headers, sink, 3);
  feed(p, kToClient, "HTTP/1.1 200 OK\r\nServer:       Yx(yw)\r\nContent-Length: 0\r\n\r\n", sink);
  ASSERT_EQ(sink.responses.size(), 1u);
  const HttpTransaction& t = sink.responses[0];
  EXPECT_EQ(t.request_headers_raw, request_headers);
  EXPECT_EQ(t.response_headers_raw, "Server:       Yx(yw)\r\nContent-Length: 0\r\n\r\n");
  // The normalised block is what http.header sees: single space, folded line joined.
  EXPECT_NE(t.response_headers.find("Server: Yx(yw)\r\n"), std::string::npos);
}

TEST(HttpParser, RawHeadersAreCappedAtTheHeaderLimit) {
  HttpParser::Config config;
  config.max_header_bytes = 64;
  HttpParser p(config);
  RecordingSink sink;
  std::string headers;
  for (int i = 0; i < 20; ++i) headers += "X-" + std::to_string(i) + ": value\r\n";
  feed(p, kToServer, "GET / HTTP/1.1\r\n" + headers + "\r\n", sink);
  ASSERT_EQ(sink.requests.size(), 1u);
  EXPECT_EQ(sink.requests[0].request_headers_raw, headers.substr(0, 64));
}

TEST(HttpParser, HeadersClosedByTheConnectionsEndAreKept) {
  // An HTTP/1.0 server that closes right after its last header line, with no blank line:
  // the header still belongs to the response, as libhtp and Suricata take it.
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", sink);
  feed(p, kToClient, "HTTP/1.0 200 OK\r\nServer:ng1nx\r\n", sink);
  EXPECT_TRUE(sink.responses.empty());
  p.onEnd(0, sink);
  ASSERT_EQ(sink.responses.size(), 1u);
  EXPECT_EQ(sink.responses[0].status, 200);
  EXPECT_NE(sink.responses[0].response_headers.find("Server: ng1nx"), std::string::npos);
}

TEST(HttpParser, GapInsideABodyIsSkipped) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, "POST /g HTTP/1.1\r\nHost: a\r\nContent-Length: 20\r\n\r\n01234", sink);
  p.onGap(kToServer, 10);
  feed(p, kToServer, "abcde", sink);
  ASSERT_EQ(sink.requests.size(), 1u);
  EXPECT_TRUE(sink.requests[0].request_complete);
  EXPECT_EQ(sink.requests[0].request_body, "01234") << "bytes after a hole are not glued to those before";
  feed(p, kToServer, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n", sink);
  ASSERT_EQ(sink.requests.size(), 2u);
  EXPECT_EQ(sink.requests[1].uri, "/next");
  EXPECT_EQ(p.counters().gaps, 1u);
  EXPECT_EQ(p.counters().gaps_fatal, 0u);
}

TEST(HttpParser, GapOutsideABodyStopsTheDirection) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, "GET /h HTTP/1.1\r\nHo", sink);
  p.onGap(kToServer, 10);
  feed(p, kToServer, "GET /after HTTP/1.1\r\nHost: a\r\n\r\n", sink);
  p.onEnd(0, sink);
  EXPECT_EQ(p.counters().gaps_fatal, 1u);
  EXPECT_GT(p.counters().bytes_ignored, 0u);
  for (const auto& t : sink.requests) EXPECT_NE(t.uri, "/after");
}

TEST(HttpParser, HugeHeaderLineIsCountedNotFatal) {
  HttpParser p({});
  RecordingSink sink;
  const std::string request = "GET /big HTTP/1.1\r\nHost: a\r\nX-Long: " + std::string(1 << 20, 'A') + "\r\n\r\n";
  feed(p, kToServer, request, sink, 1460);
  feed(p, kToClient, response(200, "fine"), sink);
  p.onEnd(0, sink);
  EXPECT_GE(p.counters().parse_errors, 1u);
  EXPECT_EQ(p.counters().stream_errors, 1u);
  EXPECT_GT(p.counters().bytes_ignored, 0u);
  // Whatever was reported came in order, one request and one response per transaction.
  EXPECT_EQ(sink.requests.size(), sink.responses.size());
}

TEST(HttpParser, GarbageIsCountedNotFatal) {
  std::mt19937 rng(7);
  std::string junk(64 << 10, '\0');
  for (char& c : junk) c = static_cast<char>(rng());
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, junk, sink, 1000);
  feed(p, kToClient, junk, sink, 1000);
  p.onEnd(0, sink);
  const auto& c = p.counters();
  EXPECT_GT(c.parse_errors + c.parse_warnings + c.stream_errors, 0u);
  EXPECT_EQ(sink.requests.size(), sink.responses.size());
}

TEST(HttpParser, BrokenChunkingIsCountedNotFatal) {
  // A chunk size that is not hex, and one that overflows 64 bits.
  for (const std::string chunked : {std::string("zz\r\nhello\r\n0\r\n\r\n"),
                                    std::string("fffffffffffffffffff\r\nhello\r\n0\r\n\r\n")}) {
    HttpParser p({});
    RecordingSink sink;
    feed(p, kToServer, kGet, sink, 1000);
    feed(p, kToClient, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked, sink, 3);
    feed(p, kToServer, kGet, sink, 1000);
    p.onEnd(0, sink);
    const auto& c = p.counters();
    EXPECT_GT(c.parse_errors + c.parse_warnings + c.stream_errors, 0u) << chunked;
    // Every transaction reported is reported whole: its request, then its response.
    EXPECT_EQ(sink.requests.size(), sink.responses.size()) << chunked;
    ASSERT_FALSE(sink.responses.empty());
    // libhtp reads the rest of the response as a body delimited by the connection's end.
    EXPECT_EQ(sink.responses[0].status, 200) << chunked;
  }
}

TEST(HttpParser, RequestsWithoutResponsesAreBounded) {
  HttpParser::Config c;
  c.max_pending = 8;
  HttpParser p(c);
  RecordingSink sink;
  std::string many;
  for (int i = 0; i < 20; ++i) many += "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: a\r\n\r\n";
  feed(p, kToServer, many, sink);
  p.onEnd(0, sink);
  EXPECT_EQ(sink.requests.size(), 8u);
  EXPECT_EQ(sink.responses.size(), 8u);
  EXPECT_GE(p.counters().dropped, 1u);
}

TEST(HttpParser, ConnectTunnelStopsParsing) {
  HttpParser p({});
  RecordingSink sink;
  feed(p, kToServer, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01\x00\x05hello",
       sink);
  feed(p, kToClient, "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03\x00\x02hi", sink);
  feed(p, kToServer, "\x17\x03\x03 more tls", sink);
  p.onEnd(0, sink);
  ASSERT_EQ(sink.responses.size(), 1u) << "tunnelled bytes are not taken for requests";
  EXPECT_EQ(sink.responses[0].method, "CONNECT");
  EXPECT_EQ(sink.responses[0].status, 200);
  EXPECT_EQ(p.counters().tunnels, 1u);
  EXPECT_GT(p.counters().bytes_ignored, 0u);
}

// Random damage to a real exchange: nothing crashes, and every transaction is reported
// as the sink contract says (request first, response last, each once).
TEST(HttpParser, RandomMutationsNeverBreakTheContract) {
  const std::string request =
      "POST /api/v1/items?id=7&x=%2F HTTP/1.1\r\nHost: shop.example:8080\r\nUser-Agent: Mozilla/5.0\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nCookie: a=b\r\n\r\n"
      "a\r\n{\"k\":\"v\"}\n\r\n0\r\n\r\n"
      "GET /next HTTP/1.1\r\nHost: shop.example\r\n\r\n";
  const std::string reply = response(200, gzip("{\"ok\":true,\"items\":[1,2,3,4,5,6,7,8,9]}"),
                                     "Content-Encoding: gzip\r\nContent-Type: application/json\r\n") +
                            "HTTP/1.1 304 Not Modified\r\n\r\n";
  std::mt19937 rng(20240601);
  auto mutate = [&](std::string s) {
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const size_t at = rng() % s.size();
      switch (rng() % 5) {
        case 0: s[at] = static_cast<char>(rng()); break;
        case 1: s.insert(at, 1 + rng() % 40, static_cast<char>(rng())); break;
        case 2: s.erase(at, 1 + rng() % 40); break;
        case 3: s.resize(at); break;
        default: s.insert(at, s.substr(rng() % s.size(), 1 + rng() % 60)); break;
      }
    }
    return s;
  };
  for (int round = 0; round < 2000; ++round) {
    HttpParser::Config c;
    c.max_pending = 4;
    HttpParser p(c);
    RecordingSink sink;
    const std::string req = mutate(request), rep = mutate(reply);
    const size_t step = 1 + rng() % 64;
    for (size_t i = 0; i < std::max(req.size(), rep.size()); i += step) {
      if (i < req.size()) feed(p, kToServer, req.substr(i, step), sink);
      if (rng() % 50 == 0) p.onGap(kToServer, 1 + rng() % 100);
      if (i < rep.size()) feed(p, kToClient, rep.substr(i, step), sink);
    }
    p.onEnd(0, sink);
    std::vector<int> state(64, 0);  // per id: 1 = request seen, 2 = response seen
    for (const std::string& ev : sink.order) {
      const bool is_req = ev[2] == 'q';
      const size_t id = std::stoul(ev.substr(4));
      ASSERT_LT(id, state.size()) << "round " << round;
      ASSERT_EQ(state[id], is_req ? 0 : 1) << "round " << round << ": " << ev;
      state[id] = is_req ? 1 : 2;
    }
    for (int s : state) ASSERT_NE(s, 1) << "round " << round << ": a request was never closed";
  }
}

}  // namespace
}  // namespace mamori

namespace mamori {
namespace {

// A file fetched in byte ranges over two connections (two parsers, as two flows on two
// workers would have) is joined by host and URI: the response completing it carries the
// whole file as its body; the others, and a piece of another URI, their own.
TEST(HttpParser, RangePiecesAcrossFlowsJoinIntoOneBody) {
  HttpRangeStore ranges({});
  const std::string file = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
  auto fetch = [&](const std::string& uri, uint64_t from, uint64_t to, const std::string& status = "206") {
    HttpParser p({});
    p.joinRanges(&ranges);
    RecordingSink sink;
    feed(p, kToServer, "GET " + uri + " HTTP/1.1\r\nHost: dl.example\r\nRange: bytes=" + std::to_string(from) + "-" +
                           std::to_string(to) + "\r\n\r\n", sink);
    const std::string piece = file.substr(from, to - from + 1);
    feed(p, kToClient, "HTTP/1.1 " + status + " Partial Content\r\nContent-Range: bytes " + std::to_string(from) + "-" +
                           std::to_string(to) + "/" + std::to_string(file.size()) + "\r\nContent-Length: " +
                           std::to_string(piece.size()) + "\r\n\r\n" + piece, sink);
    p.onEnd(0, sink);
    EXPECT_EQ(sink.responses.size(), 1u);
    return sink.responses.empty() ? std::string() : sink.responses[0].response_body;
  };
  EXPECT_EQ(fetch("/eicar.com", 34, 67), file.substr(34));
  EXPECT_EQ(fetch("/other", 0, 33), file.substr(0, 34)) << "another URI: another file";
  EXPECT_EQ(fetch("/eicar.com", 0, 20, "200"), file.substr(0, 21)) << "not a 206: no piece";
  EXPECT_EQ(fetch("/eicar.com", 0, 33), file) << "the last piece completes the file";
  EXPECT_EQ(ranges.counters().files_completed, 1u);
}

}  // namespace
}  // namespace mamori
