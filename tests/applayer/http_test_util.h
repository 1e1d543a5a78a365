#pragma once
// What the HTTP parser tests share: a sink that records what it is told, feeding helpers,
// and a small gzip writer so compressed bodies can be built without linking zlib.
#include <cstdint>
#include <string>
#include <vector>

#include "applayer/http_parser.h"

namespace mamori::test {

struct RecordingSink : HttpSink {
  std::vector<HttpTransaction> request_headers, requests, response_headers, responses;
  std::vector<std::string> order;  // "req <id>" / "res <id>", in call order
  std::vector<std::string> steps;  // every step: "reqh", "req", "resh", "res" and the id
  void onRequestHeaders(const HttpTransaction& tx) override { step(request_headers, "reqh ", tx); }
  void onRequest(const HttpTransaction& tx) override {
    step(requests, "req ", tx);
    order.push_back(steps.back());
  }
  void onResponseHeaders(const HttpTransaction& tx) override { step(response_headers, "resh ", tx); }
  void onResponse(const HttpTransaction& tx) override {
    step(responses, "res ", tx);
    order.push_back(steps.back());
  }

 private:
  // A whole message's new events are those its steps brought: its headers' step's too.
  void step(std::vector<HttpTransaction>& into, const char* name, const HttpTransaction& tx) {
    into.push_back(tx);
    steps.push_back(name + std::to_string(tx.id));
    const std::vector<HttpTransaction>& headers = &into == &requests ? request_headers : response_headers;
    if ((&into == &requests || &into == &responses) && !headers.empty() && headers.back().id == tx.id) {
      into.back().new_events |= headers.back().new_events;
    }
  }
};

// `step` bytes per onData call (0: all at once).
void feed(HttpParser& p, Direction dir, const std::string& data, HttpSink& sink, size_t step = 0);

// A gzip member holding `data`, deflated with the fixed Huffman code and a greedy
// matcher over short distances: good enough for the repetitive bodies bombs are made of.
std::string gzip(const std::string& data);

}  // namespace mamori::test
