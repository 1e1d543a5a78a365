// Fuzz target: HTTP/2 (Http2Parser), both directions of one flow with gaps
// (stream_records.h), then the flow's end. The fuzzer's first bytes are usually not the
// client preface, so half the inputs start past it (as after an h2c upgrade, whose
// stream 1 is given), and the caps are small so that they are reached; every reported
// field is read.
#include <string>

#include "applayer/http2_parser.h"
#include "fuzz/stream_records.h"

namespace {

using namespace mamori;

struct ReadingSink : HttpSink {
  size_t bytes = 0;
  void onRequest(const HttpTransaction& tx) override {
    for (const std::string* s : {&tx.method, &tx.uri, &tx.host, &tx.host_raw, &tx.request_headers,
                                 &tx.request_header_names, &tx.request_cookie_line, &tx.request_body})
      bytes += std::string(*s).size();
  }
  void onResponse(const HttpTransaction& tx) override {
    for (const std::string* s : {&tx.response_line, &tx.response_headers, &tx.response_header_names,
                                 &tx.response_content_type, &tx.response_body, &tx.location})
      bytes += std::string(*s).size();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Http2Parser::Config config{.request_body_depth = 512, .response_body_depth = 512, .max_header_block = 2048,
                                   .max_header_list = 1024, .max_headers = 32, .max_streams = 8,
                                   .max_table_size = 8192};
  Http2Parser parser(config, 0);
  ReadingSink sink;
  if (data[0] & 1) {
    HttpTransaction upgrade;
    upgrade.method = "GET";
    upgrade.uri = "/";
    parser.upgradeFrom(upgrade);
    const std::string_view preface = http2::kClientPreface;
    parser.onData(Direction::ToServer, reinterpret_cast<const uint8_t*>(preface.data()), preface.size(), sink);
  }
  fuzz::forEachStreamRecord(
      data + 1, size - 1, [&](Direction dir, const uint8_t* p, size_t n) { parser.onData(dir, p, n, sink); },
      [&](Direction dir, size_t) { parser.onGap(dir); });
  parser.onEnd(sink);
  parser.takeConnectionEvents();
  return 0;
}
