// Http2Parser on connections built frame by frame, their header blocks encoded with
// nghttp2's HPACK deflater (tests/applayer/http2_builder.h): what each
// stream's transaction holds, and what malformed or hostile frames raise and count.
#include "applayer/http2_parser.h"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/applayer/http2_builder.h"
#include "tests/applayer/http_test_util.h"

namespace mamori {
namespace {

using namespace test::h2;

const Headers kGet = {{":method", "GET"}, {":scheme", "http"}, {":path", "/index.html?q=1"},
                      {":authority", "Example.COM:8080"}, {"user-agent", "curl/8.0"}, {"accept", "*/*"}};
const Headers kOk = {{":status", "200"}, {"content-type", "text/html; charset=utf-8"}, {"server", "h2o"}};

class Http2ParserTest : public ::testing::Test {
 protected:
  void client(const std::string& bytes) { feed(Direction::ToServer, bytes); }
  void server(const std::string& bytes) { feed(Direction::ToClient, bytes); }
  void feed(Direction dir, const std::string& bytes) {
    parser_->onData(dir, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), sink_);
  }
  void start() {
    client(std::string(http2::kClientPreface) + frame(http2::kSettings, 0, 0, ""));
    server(frame(http2::kSettings, 0, 0, "") + frame(http2::kSettings, http2::kAck, 0, ""));
  }
  void reset(const Http2Parser::Config& config) { parser_ = std::make_unique<Http2Parser>(config, 0); }
  static bool has(const HttpTransaction& tx, AppLayerEvent e) { return raised(tx.events, e); }

  Encoder to_server_, to_client_;
  std::unique_ptr<Http2Parser> parser_ = std::make_unique<Http2Parser>(Http2Parser::Config{}, 0);
  test::RecordingSink sink_;
};

TEST_F(Http2ParserTest, PriorKnowledgeStreamFillsTheHttpFields) {
  start();
  client(frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream, 1, to_server_.block(kGet)));
  ASSERT_EQ(sink_.requests.size(), 1u);  // the request is reported when the client's side ends
  server(frame(http2::kHeaders, http2::kEndHeaders, 1, to_client_.block(kOk)) +
         frame(http2::kData, 0, 1, "hello ") + frame(http2::kData, http2::kEndStream, 1, "world"));
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_EQ(sink_.order, (std::vector<std::string>{"req 0", "res 0"}));
  const HttpTransaction& tx = sink_.responses[0];
  EXPECT_EQ(tx.http2_stream, 1u);
  EXPECT_EQ(tx.method, "GET");
  EXPECT_EQ(tx.uri, "/index.html?q=1");
  EXPECT_EQ(tx.host, "example.com");
  EXPECT_EQ(tx.host_raw, "Example.COM:8080");
  EXPECT_EQ(tx.user_agent, "curl/8.0");
  EXPECT_EQ(tx.protocol, "HTTP/2");
  EXPECT_EQ(tx.request_line, "GET /index.html?q=1 HTTP/2");
  EXPECT_EQ(tx.request_headers,
            ":method: GET\r\n:scheme: http\r\n:path: /index.html?q=1\r\n:authority: Example.COM:8080\r\n"
            "user-agent: curl/8.0\r\naccept: */*\r\n");
  EXPECT_EQ(tx.request_header_names, "\r\n:method\r\n:scheme\r\n:path\r\n:authority\r\nuser-agent\r\naccept\r\n\r\n");
  EXPECT_EQ(tx.status, 200);
  EXPECT_EQ(tx.response_content_type, "text/html");
  EXPECT_EQ(tx.response_header_names, "\r\n:status\r\ncontent-type\r\nserver\r\n\r\n");
  EXPECT_EQ(tx.response_body, "hello world");
  EXPECT_EQ(tx.response_body_bytes, 11u);
  EXPECT_TRUE(tx.request_complete && tx.response_complete);
  EXPECT_TRUE(tx.events.none());
  EXPECT_EQ(parser_->counters().streams, 1u);
}

// The second request's headers come from HPACK's dynamic table (the deflater indexes what
// it sent before): decoding it needs the first block decoded in order.
TEST_F(Http2ParserTest, DynamicTableCarriesAcrossStreams) {
  start();
  const Headers custom = {{":method", "POST"}, {":path", "/up"}, {":authority", "a.example"},
                          {"x-token", "secret-value-1234"}, {"cookie", "a=1"}, {"cookie", "b=2"}};
  const std::string first = to_server_.block(custom);
  const std::string second = to_server_.block(custom);
  EXPECT_LT(second.size(), first.size() / 2);  // indexed, not literal
  client(frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream, 1, first));
  client(frame(http2::kHeaders, http2::kEndHeaders, 3, second) + frame(http2::kData, http2::kEndStream, 3, "body"));
  ASSERT_EQ(sink_.requests.size(), 2u);
  for (const HttpTransaction& tx : sink_.requests) {
    EXPECT_NE(tx.request_headers.find("x-token: secret-value-1234\r\n"), std::string::npos);
    EXPECT_EQ(tx.cookie, "a=1; b=2");  // HTTP/2's cookie crumbs, joined (RFC 9113 section 8.2.3)
    EXPECT_EQ(tx.request_cookie_line, "cookie: a=1; b=2");
  }
  EXPECT_EQ(sink_.requests[1].http2_stream, 3u);
  EXPECT_EQ(sink_.requests[1].request_body, "body");
}

TEST_F(Http2ParserTest, ContinuationAndPaddingAreJoinedAndStripped) {
  start();
  const std::string block = to_server_.block(kGet);
  const size_t half = block.size() / 2;
  // HEADERS padded (pad length 3) and with a priority, its block ended by CONTINUATION.
  const std::string headers = std::string(1, '\x03') + std::string("\x00\x00\x00\x00\x10", 5) +
                              block.substr(0, half) + std::string(3, '\0');
  client(frame(http2::kHeaders, http2::kPadded | http2::kPriorityFlag | http2::kEndStream, 1, headers) +
         frame(http2::kContinuation, http2::kEndHeaders, 1, block.substr(half)));
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].uri, "/index.html?q=1");
  server(frame(http2::kHeaders, http2::kEndHeaders, 1, to_client_.block(kOk)) +
         frame(http2::kData, http2::kPadded | http2::kEndStream, 1, std::string(1, '\x04') + "data" + "PPPP"));
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_EQ(sink_.responses[0].response_body, "data");
  EXPECT_TRUE(sink_.responses[0].events.none());
}

// A frame of another type between HEADERS and its CONTINUATION breaks the block.
TEST_F(Http2ParserTest, InterleavedContinuationIsInvalid) {
  start();
  const std::string block = to_server_.block(kGet);
  client(frame(http2::kHeaders, 0, 1, block.substr(0, 4)) + frame(http2::kPing, 0, 0, std::string(8, 'p')) +
         frame(http2::kContinuation, http2::kEndHeaders, 1, block.substr(4)));
  parser_->onEnd(sink_);
  EXPECT_GE(parser_->counters().malformed_frames, 2u);
}

TEST_F(Http2ParserTest, RstStreamEndsTheStreamAndGoawayIsCounted) {
  start();
  client(frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream, 1, to_server_.block(kGet)));
  server(frame(http2::kRstStream, 0, 1, std::string("\x00\x00\x00\x08", 4)));
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_FALSE(sink_.responses[0].response_complete);
  EXPECT_EQ(sink_.responses[0].status, 0);
  EXPECT_EQ(sink_.responses[0].http2_response_error, 8);  // CANCEL, from the server
  EXPECT_EQ(sink_.responses[0].http2_request_error, -1);
  server(frame(http2::kGoaway, 0, 0, std::string(8, '\0')));
  EXPECT_EQ(parser_->counters().resets, 1u);
  EXPECT_EQ(parser_->counters().goaways, 1u);
  EXPECT_EQ(parser_->counters().malformed_frames, 0u);
}

TEST_F(Http2ParserTest, AuthorityHostMismatchAndUserinfo) {
  start();
  Headers h = kGet;
  h[3].second = "user:pw@example.com";
  h.push_back({"host", "other.example"});
  client(frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream, 1, to_server_.block(h)));
  ASSERT_EQ(sink_.requests.size(), 1u);
  const HttpTransaction& tx = sink_.requests[0];
  EXPECT_TRUE(has(tx, AppLayerEvent::Http2AuthorityHostMismatch));
  EXPECT_TRUE(has(tx, AppLayerEvent::Http2UserinfoInUri));
  EXPECT_EQ(tx.host, "example.com");
  Headers same = kGet;
  same.push_back({"host", "example.com:8080"});
  client(frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream, 3, to_server_.block(same)));
  ASSERT_EQ(sink_.requests.size(), 2u);
  EXPECT_TRUE(sink_.requests[1].events.none());  // the same authority, in another case
}

TEST_F(Http2ParserTest, BadLengthsAndPrefaceRaiseEvents) {
  start();
  client(frame(http2::kPing, 0, 0, "short") + frame(http2::kSettings, 0, 0, "12345"));
  EXPECT_TRUE(raised(parser_->takeConnectionEvents(), AppLayerEvent::Http2InvalidFrameLength));
  client(frame(http2::kHeaders, http2::kEndHeaders, 0, to_server_.block(kGet)));  // stream 0
  EXPECT_TRUE(raised(parser_->takeConnectionEvents(), AppLayerEvent::Http2InvalidFrameHeader));
  EXPECT_EQ(parser_->counters().malformed_frames, 3u);

  reset({});
  client("GET / HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(raised(parser_->takeConnectionEvents(), AppLayerEvent::Http2InvalidClientMagic));
  client(std::string(http2::kClientPreface));  // the direction stays lost
  EXPECT_GT(parser_->counters().bytes_ignored, 0u);
}

TEST_F(Http2ParserTest, StreamsHeaderBlocksAndBodiesAreBounded) {
  reset({.request_body_depth = 8, .response_body_depth = 4096, .max_header_block = 256, .max_header_list = 64 << 10,
         .max_headers = 1024, .max_streams = 2, .max_table_size = 4096});
  start();
  for (uint32_t id : {1u, 3u, 5u}) client(frame(http2::kHeaders, http2::kEndHeaders, id, to_server_.block(kGet)));
  EXPECT_EQ(parser_->counters().streams_refused, 1u);
  EXPECT_TRUE(raised(parser_->takeConnectionEvents(), AppLayerEvent::Http2TooManyStreams));
  client(frame(http2::kData, http2::kEndStream, 1, std::string(100, 'b')));
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].request_body, std::string(8, 'b'));
  EXPECT_EQ(parser_->counters().bodies_truncated, 1u);
  // A frame over what the reader buffers is skipped whole; the stream after it still parses.
  client(frame(http2::kHeaders, http2::kEndHeaders, 7, std::string(300, 'x')));
  EXPECT_EQ(parser_->counters().oversized_frames, 1u);
  // A block grown past the cap by CONTINUATION is cut, and HPACK can no longer follow.
  Encoder fresh;
  reset({.request_body_depth = 8, .response_body_depth = 4096, .max_header_block = 256,
         .max_header_list = 64 << 10, .max_headers = 1024, .max_streams = 2, .max_table_size = 4096});
  start();
  client(frame(http2::kHeaders, 0, 1, fresh.block(kGet)));
  for (int i = 0; i < 3; ++i) client(frame(http2::kContinuation, 0, 1, std::string(200, 'c')));
  client(frame(http2::kContinuation, http2::kEndHeaders | http2::kEndStream, 1, ""));
  parser_->onEnd(sink_);
  ASSERT_FALSE(sink_.responses.empty());
  EXPECT_TRUE(has(sink_.responses.back(), AppLayerEvent::Http2ReassemblyLimitReached));
  EXPECT_TRUE(has(sink_.responses.back(), AppLayerEvent::Http2FailedDecompression));
}

// A decoded list longer than max_header_list keeps what fits.
TEST_F(Http2ParserTest, HeaderListIsCapped) {
  reset({.request_body_depth = 4096, .response_body_depth = 4096, .max_header_block = 64 << 10,
         .max_header_list = 100, .max_headers = 1024, .max_streams = 8, .max_table_size = 4096});
  start();
  Headers big = kGet;
  big.push_back({"x-big", std::string(500, 'v')});
  client(frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream, 1, to_server_.block(big)));
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].request_headers.find("x-big"), std::string::npos);
  EXPECT_EQ(sink_.requests[0].method, "GET");
  EXPECT_EQ(parser_->counters().header_limits, 1u);
}

// h2c: HttpParser sees the 101 and hands over what follows it in the same segment; stream 1
// is the upgrade request's, its response HTTP/2's.
TEST_F(Http2ParserTest, H2cUpgradeHandsStreamOneOver) {
  HttpParser http{HttpParser::Config{}};
  test::RecordingSink http1;
  test::feed(http, Direction::ToServer,
             "GET /eicar HTTP/1.1\r\nHost: h.example\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
             "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
             http1);
  const std::string after = frame(http2::kSettings, 0, 0, "") +
                            frame(http2::kHeaders, http2::kEndHeaders, 1, to_client_.block(kOk)) +
                            frame(http2::kData, http2::kEndStream, 1, "X5O!");
  test::feed(http, Direction::ToClient, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n" + after,
             http1);
  ASSERT_TRUE(http.upgradedToH2c());
  EXPECT_EQ(http.h2cRequest().uri, "/eicar");
  EXPECT_EQ(http.takeUpgradeRest(Direction::ToClient), after);
  EXPECT_TRUE(http.takeUpgradeRest(Direction::ToServer).empty());

  Http2Parser h2(Http2Parser::Config{}, http.h2cRequest().id + 1);
  h2.upgradeFrom(http.h2cRequest());
  h2.onData(Direction::ToClient, reinterpret_cast<const uint8_t*>(after.data()), after.size(), sink_);
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_TRUE(sink_.requests.empty());  // stream 1's request went out as HTTP/1's
  const HttpTransaction& tx = sink_.responses[0];
  EXPECT_EQ(tx.http2_stream, 1u);
  EXPECT_EQ(tx.id, 1u);
  EXPECT_EQ(tx.uri, "/eicar");
  EXPECT_EQ(tx.status, 200);
  EXPECT_EQ(tx.response_body, "X5O!");
  EXPECT_EQ(tx.protocol, "HTTP/2");
}

// A response cut short by the flow's end is reported once, incomplete.
TEST_F(Http2ParserTest, FlowEndReportsOpenStreams) {
  start();
  client(frame(http2::kHeaders, http2::kEndHeaders, 1, to_server_.block(kGet)));
  client(frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream, 3, to_server_.block(kGet)));
  parser_->onEnd(sink_);
  EXPECT_EQ(sink_.responses.size(), 2u);
  EXPECT_EQ(sink_.requests.size(), 2u);
  parser_->onEnd(sink_);
  EXPECT_EQ(sink_.responses.size(), 2u);
}

}  // namespace
}  // namespace mamori

namespace mamori {
namespace {

// Frames as the frame keyword gets them: every type wanted, each report kept.
struct FrameRecorder : AppFrameSink {
  std::vector<std::pair<uint8_t, std::string>> frames;
  bool wantsFrame(uint8_t) const override { return true; }
  void onFrame(Direction, uint8_t type, const uint8_t* data, size_t len) override {
    frames.emplace_back(type, std::string(reinterpret_cast<const char*>(data), len));
  }
  std::vector<std::string> of(uint8_t type) const {
    std::vector<std::string> out;
    for (const auto& [t, bytes] : frames) {
      if (t == type) out.push_back(bytes);
    }
    return out;
  }
};

// http2.hdr is each frame's 9 bytes, http2.data its payload as sent (padding included),
// http2.pdu both; a DATA frame's payload is gathered for them (up to the reader's buffer),
// an oversized frame skipped unread has its header alone.
TEST(Http2Frames, EachFrameIsReportedAsHeaderPayloadAndWhole) {
  FrameRecorder frames;
  test::RecordingSink sink;
  Http2Parser parser({.max_header_block = 64}, 0, nullptr, &frames);
  const std::string window = frame(http2::kWindowUpdate, 0, 0, std::string("\x3f\xff\x00\x01", 4));
  const std::string data = frame(http2::kData, http2::kPadded, 1, std::string(1, '\x02') + "abc" + "PP");
  const std::string big = frame(http2::kPing, 0, 0, std::string(100, 'x'));
  const std::string bytes = std::string(http2::kClientPreface) + window + data + big;
  for (char c : bytes) parser.onData(Direction::ToServer, reinterpret_cast<const uint8_t*>(&c), 1, sink);  // byte by byte
  EXPECT_EQ(frames.of(app_frame::kHttp2Hdr), (std::vector<std::string>{window.substr(0, 9), data.substr(0, 9), big.substr(0, 9)}));
  EXPECT_EQ(frames.of(app_frame::kHttp2Data), (std::vector<std::string>{window.substr(9), data.substr(9)}));
  EXPECT_EQ(frames.of(app_frame::kHttp2Pdu), (std::vector<std::string>{window, data}));
}

struct FileSink : test::RecordingSink {
  std::vector<TrackedFile> files;
  void onFile(const HttpTransaction&, FileTracker& tracker, FileTracker::Handle h) override {
    files.push_back(tracker.file(h));
    tracker.release(h, false);
  }
};

// Each side's DATA of a stream is a file, named as HTTP/1's (Content-Disposition, else the
// :path without its query), hashed as it streams; a 206 keeps its range; a stream reset
// before its side ended leaves the file truncated.
TEST(Http2Files, StreamBodiesAreFilesNamedAsHttp1Names) {
  FileTracker tracker({.hashes = file_hash::kMd5});
  FileSink sink;
  Http2Parser parser({}, 0, &tracker);
  Encoder to_server, to_client;
  auto client = [&](const std::string& b) { parser.onData(Direction::ToServer, reinterpret_cast<const uint8_t*>(b.data()), b.size(), sink); };
  auto server = [&](const std::string& b) { parser.onData(Direction::ToClient, reinterpret_cast<const uint8_t*>(b.data()), b.size(), sink); };
  client(std::string(http2::kClientPreface) + frame(http2::kSettings, 0, 0, ""));
  const Headers post = {{":method", "POST"}, {":scheme", "http"}, {":path", "/up/data.bin?x=1"}, {":authority", "a"}};
  client(frame(http2::kHeaders, http2::kEndHeaders, 1, to_server.block(post)) + frame(http2::kData, 0, 1, "hello ") +
         frame(http2::kData, http2::kEndStream, 1, "world"));
  const Headers partial = {{":status", "206"}, {"content-disposition", "attachment; filename=\"setup.exe\""},
                           {"content-range", "bytes 10-13/100"}};
  server(frame(http2::kHeaders, http2::kEndHeaders, 1, to_client.block(partial)) +
         frame(http2::kData, http2::kEndStream, 1, "MZab"));
  const Headers get = {{":method", "GET"}, {":scheme", "http"}, {":path", "/cut.zip"}, {":authority", "a"}};
  client(frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream, 3, to_server.block(get)));
  server(frame(http2::kHeaders, http2::kEndHeaders, 3, to_client.block(kOk)) + frame(http2::kData, 0, 3, "PK") +
         frame(http2::kRstStream, 0, 3, std::string("\x00\x00\x00\x08", 4)));
  parser.onEnd(sink);
  ASSERT_EQ(sink.files.size(), 3u);
  const TrackedFile& up = sink.files[0];
  EXPECT_EQ(up.dir, Direction::ToServer);
  EXPECT_EQ(up.name, "/up/data.bin");
  EXPECT_EQ(up.size, 11u);
  EXPECT_EQ(up.state, FileState::Closed);
  EXPECT_EQ(up.md5, "5eb63bbbe01eeed093cb22bb8f5acdc3");  // md5("hello world")
  const TrackedFile& part = sink.files[1];
  EXPECT_EQ(part.dir, Direction::ToClient);
  EXPECT_EQ(part.name, "setup.exe");
  EXPECT_EQ(part.state, FileState::Closed);
  EXPECT_EQ(part.range_start, 10u);
  EXPECT_EQ(part.range_end, 13u);
  EXPECT_EQ(part.tx_id, up.tx_id);
  const TrackedFile& cut = sink.files[2];
  EXPECT_EQ(cut.name, "/cut.zip");
  EXPECT_EQ(cut.size, 2u);
  EXPECT_EQ(cut.state, FileState::Truncated);
  EXPECT_EQ(tracker.openFiles(), 0u);
}

}  // namespace
}  // namespace mamori
