// Suricata's HTTP/2 frame keywords (http2.frametype, http2.errorcode, http2.priority,
// http2.window, http2.size_update, http2.settings) on a connection Http2Parser reads, its
// records inspected as detection sees them: a stream's values on its transaction, each side's
// its own; each frame of stream 0 a transaction of its own (Suricata's one-frame
// transactions). And their refusals, at their column.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "applayer/http2_parser.h"
#include "detect/app_buffer_builder.h"
#include "detect/packet_inspector.h"
#include "tests/applayer/http2_builder.h"
#include "tests/detect/detect_test_support.h"

namespace mamori {
namespace {

using test::BadCase;
using test::CollectingSink;
using test::Sids;
using namespace test::h2;

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string setting(uint16_t id, uint32_t value) { return std::string{static_cast<char>(id >> 8), static_cast<char>(id)} + be32(value); }

// A request header block, HPACK-encoded.
std::string requestBlock() {
  return Encoder().block({{":method", "GET"}, {":scheme", "http"}, {":path", "/index.html"}, {":authority", "example.com"}});
}

// What Http2Parser reports, as AppParsers makes records of it.
struct RecordSink : HttpSink {
  std::vector<AppRecord> records;
  void add(AppEvent event, Direction dir, const HttpTransaction& tx) {
    AppRecord& r = records.emplace_back();
    r.event = event;
    r.dir = dir;
    r.body = tx;
  }
  void onRequest(const HttpTransaction& tx) override { add(AppEvent::HttpRequest, Direction::ToServer, tx); }
  void onResponse(const HttpTransaction& tx) override { add(AppEvent::HttpResponse, Direction::ToClient, tx); }
  void onConnectionFrame(Direction dir, const HttpTransaction& tx) override { add(AppEvent::ParserEvents, dir, tx); }
};

class Http2KeywordsTest : public test::InspectorTest {
 protected:
  // A connection: both sides' SETTINGS, the client's connection WINDOW_UPDATE, stream 1's
  // request (HEADERS with a priority weight of 200 and a table size update to 4096) reset by
  // the server with CANCEL, then the server's GOAWAY (ENHANCE_YOUR_CALM).
  void converse() {
    Http2Parser parser(Http2Parser::Config{}, 0);
    auto feed = [&](Direction dir, const std::string& bytes) {
      parser.onData(dir, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), records_);
    };
    feed(Direction::ToServer, std::string(http2::kClientPreface) +
                                  frame(http2::kSettings, 0, 0, setting(2, 0) + setting(1, 4096)) +
                                  frame(http2::kWindowUpdate, 0, 0, be32(1073741823)));
    feed(Direction::ToClient, frame(http2::kSettings, 0, 0, setting(3, 100)) + frame(http2::kSettings, http2::kAck, 0, ""));
    const std::string priority = be32(0) + std::string(1, static_cast<char>(200));
    feed(Direction::ToServer, frame(http2::kHeaders, http2::kEndHeaders | http2::kEndStream | http2::kPriorityFlag, 1,
                                    priority + "\x3f\xe1\x1f" + requestBlock()));
    feed(Direction::ToClient, frame(http2::kRstStream, 0, 1, be32(8)) + frame(http2::kGoaway, 0, 0, be32(1) + be32(11)));
    parser.onEnd(records_);
  }

  // Every alert over the records, a sid once per record that alerted it.
  Sids inspectAll() {
    Sids all;
    for (const AppRecord& record : records_.records) {
      const std::optional<AppPhase> phase = builder_.build(record);
      if (!phase) continue;
      const bool to_server = *phase == AppPhase::HttpRequest;
      FlowContext flow{7, to_server, true, {3, 3}, {100, 100}, &pool_, &handle_};
      flow.app_proto = "http2";
      // A stream's message is inspected in its headers' phase and its end's, as AppParsers
      // reports it; a connection frame's record once.
      const bool frame = record.event == AppEvent::ParserEvents;
      for (AppPhase step : frame ? std::vector<AppPhase>{*phase} : test::stepsOf(*phase)) {
        sink_.sids.clear();
        inspector_->inspectApp(test::clientServerPacket(to_server), flow, step, builder_.buffers(), sink_, {}, frame);
        all.insert(all.end(), sink_.sids.begin(), sink_.sids.end());
      }
    }
    std::sort(all.begin(), all.end());
    return all;
  }

  RecordSink records_;
  uint32_t handle_ = 0;
  AppBufferBuilder builder_;
  CollectingSink sink_;
};

TEST_F(Http2KeywordsTest, FrameValuesMatchOnTheTransactionOfTheSideThatSentThem) {
  load("alert http2 any any -> any any (http2.frametype:SETTINGS; sid:1;)\n"  // three frames of stream 0
       "alert http2 any any -> any any (http2.frametype:RST_STREAM; flow:to_client; sid:2;)\n"
       "alert http2 any any -> any any (http2.frametype:RST_STREAM; flow:to_server; sid:3;)\n"
       "alert http2 any any -> any any (http2.errorcode:CANCEL; sid:4;)\n"
       "alert http2 any any -> any any (http2.errorcode:ENHANCE_YOUR_CALM; sid:5;)\n"
       "alert http2 any any -> any any (http2.errorcode:>100; sid:6;)\n"
       "alert http2 any any -> any any (http2.priority:>100; flow:to_server; sid:7;)\n"
       "alert http2 any any -> any any (http2.priority:<100; sid:8;)\n"
       "alert http2 any any -> any any (http2.window:1073741823; sid:9;)\n"
       "alert http2 any any -> any any (http2.settings:SETTINGS_ENABLE_PUSH=0; sid:10;)\n"
       "alert http2 any any -> any any (http2.settings:SETTINGS_MAX_CONCURRENT_STREAMS>100; sid:11;)\n"
       "alert http2 any any -> any any (http2.settings:SETTINGS_MAX_CONCURRENT_STREAMS; flow:to_client; sid:12;)\n"
       "alert http2 any any -> any any (http2.settings:SETTINGS_ENABLE_PUSH; flow:to_client; sid:13;)\n"
       "alert http2 any any -> any any (http2.size_update:4096; flow:to_server; sid:14;)\n"
       "alert http2 any any -> any any (http2.size_update:>4096; sid:15;)\n"
       "alert http2 any any -> any any (http2.frametype:8; flow:to_server; sid:16;)\n"
       "alert http2 any any -> any any (http2.frametype:HEADERS; http.uri; content:\"/index\"; sid:17;)\n"
       "alert http2 any any -> any any (http2.frametype:DATA; sid:18;)\n"
       // The request has no User-Agent; a connection frame's record is no request at all.
       "alert http2 any any -> any any (http.user_agent; absent; sid:19;)\n");
  converse();
  EXPECT_EQ(inspectAll(), (Sids{1, 1, 1, 2, 4, 5, 7, 9, 10, 12, 14, 16, 17, 19}));
}

TEST_F(Http2KeywordsTest, BadValuesAreRefusedAtTheirColumn) {
  test::expectRefusals("alert http2 any any -> any any (",
                       {
                           {"http2.frametype:FOO;", "FOO", "invalid http2.frametype"},
                           {"http2.errorcode:CANCELLED;", "CANCELLED", "invalid http2.errorcode"},
                           {"http2.priority:256;", "256", "invalid http2.priority"},
                           {"http2.window:2147483648;", "2147483648", "invalid http2.window"},
                           {"http2.size_update:-1;", "-1", "invalid http2.size_update"},
                           {"http2.settings:SETTINGS_FOO=1;", "SETTINGS_FOO", "unknown http2.settings parameter"},
                           {"http2.settings:SETTINGS_ENABLE_PUSH>x;", "SETTINGS_ENABLE_PUSH>x", "invalid http2.settings value"},
                       });
}

}  // namespace
}  // namespace mamori
