#pragma once
// What the HTTP parser tests share: a sink that records what it is told, feeding helpers,
// and a small gzip writer so compressed bodies can be built without linking zlib.
#include <cstdint>
#include <string>
#include <vector>

#include "applayer/http_parser.h"

namespace mamori::test {

struct RecordingSink : HttpSink {
  std::vector<HttpTransaction> requests, responses;
  std::vector<std::string> order;  // "req <id>" / "res <id>", in call order
  void onRequest(const HttpTransaction& tx) override {
    requests.push_back(tx);
    order.push_back("req " + std::to_string(tx.id));
  }
  void onResponse(const HttpTransaction& tx) override {
    responses.push_back(tx);
    order.push_back("res " + std::to_string(tx.id));
  }
};

// `step` bytes per onData call (0: all at once).
void feed(HttpParser& p, Direction dir, const std::string& data, HttpSink& sink, size_t step = 0);

// A gzip member holding `data`, deflated with the fixed Huffman code and a greedy
// matcher over short distances: good enough for the repetitive bodies bombs are made of.
std::string gzip(const std::string& data);

}  // namespace mamori::test
