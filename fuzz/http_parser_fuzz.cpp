// Fuzz target: HTTP/1.x through libhtp (HttpParser), both directions of one flow with gaps
// (stream_records.h), then the flow's end. Small body depths and pending limits, so the
// caps are reached; every reported field is read.
#include <string>

#include "applayer/http_parser.h"
#include "fuzz/stream_records.h"

namespace {

using namespace mamori;

struct ReadingSink : HttpSink {
  size_t bytes = 0;
  void onRequest(const HttpTransaction& tx) override {
    for (const std::string* s : {&tx.method, &tx.uri, &tx.uri_raw, &tx.host, &tx.host_raw, &tx.request_headers,
                                 &tx.request_header_names, &tx.request_headers_raw, &tx.request_body})
      bytes += std::string(*s).size();
  }
  void onResponse(const HttpTransaction& tx) override {
    for (const std::string* s : {&tx.status_msg, &tx.response_line, &tx.response_headers, &tx.response_headers_raw,
                                 &tx.response_content_type, &tx.response_body, &tx.location})
      bytes += std::string(*s).size();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const HttpParser::Settings settings(HttpParser::Config{
      .request_body_depth = 512, .response_body_depth = 512, .max_header_bytes = 4096, .max_headers = 64,
      .decompression_bomb_limit = 64 << 10, .decompression_time_limit_us = 100000, .decompression_layers = 2,
      .max_pending = 4, .max_held_bytes = 4096});
  HttpParser parser(settings);
  ReadingSink sink;
  int64_t ts = 1'700'000'000'000'000;
  fuzz::forEachStreamRecord(
      data, size, [&](Direction dir, const uint8_t* p, size_t n) { parser.onData(dir, p, n, ts += 1000, sink); },
      [&](Direction dir, size_t n) { parser.onGap(dir, n); });
  parser.onEnd(ts + 1000, sink);
  return 0;
}
