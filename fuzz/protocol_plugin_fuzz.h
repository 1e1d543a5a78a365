#pragma once
// The body of a protocol plug-in's fuzz target (applayer/app_protocol.h): its per-flow
// parsers, as AppParsers drives them. Each data record (stream_records.h) goes to a TCP
// parser as that direction's next stream bytes and to a UDP parser as one datagram; a gap
// record is a hole in the TCP stream. Checked besides crashes: every EVE object a record
// carries is valid JSON (traffic must never break an EVE line; a record inspected only, not
// logged, may carry none), every field lies within the record's bytes, a file the parser opens
// is only fed while open and is closed by the flow's end, and the parsers give back all they
// charged to the AppMemory.
#include <rapidjson/document.h>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "applayer/app_protocol.h"
#include "fuzz/stream_records.h"

namespace mamori::fuzz {

class CheckingSink final : public ProtocolSink {
 public:
  void emit(Direction, const ProtocolTransaction& tx) override {
    if (tx.logged || !tx.eve.empty()) {  // a record inspected only may carry no EVE object
      rapidjson::Document doc;
      doc.Parse<rapidjson::kParseValidateEncodingFlag>(tx.eve.data(), tx.eve.size());
      if (doc.HasParseError() || !doc.IsObject()) std::abort();
    }
    if (tx.also_key) {  // a second object beside the protocol's (smtp's email)
      rapidjson::Document doc;
      doc.Parse<rapidjson::kParseValidateEncodingFlag>(tx.also_eve.data(), tx.also_eve.size());
      if (doc.HasParseError() || !doc.IsObject()) std::abort();
    }
    for (const ProtocolField& f : tx.fields) {
      if (static_cast<size_t>(f.offset) + f.length > tx.bytes.size()) std::abort();
    }
  }
  void malformed() override {}
  int32_t openFile(Direction, uint64_t, std::string_view) override {
    open_.push_back(true);
    return static_cast<int32_t>(open_.size() - 1);
  }
  void appendFile(int32_t h, const uint8_t*, size_t) override { check(h); }
  void fileGap(int32_t h, uint64_t) override { check(h); }
  void closeFile(int32_t h, bool, const AppLayerEventSet&) override {
    check(h);
    open_[static_cast<size_t>(h)] = false;
  }
  void expectAllClosed() const {
    for (bool open : open_) {
      if (open) std::abort();
    }
  }

 private:
  void check(int32_t h) const {
    if (h < 0 || static_cast<size_t>(h) >= open_.size() || !open_[static_cast<size_t>(h)]) std::abort();
  }
  std::vector<bool> open_;
};

inline void fuzzProtocolPlugin(const AppProtocol& protocol, const uint8_t* data, size_t size) {
  AppMemory memory(1 << 20);
  {
    auto tcp = protocol.newParser(AppProtocol::kTcp, &memory);
    auto udp = protocol.newParser(AppProtocol::kUdp, &memory);
    CheckingSink sink;
    forEachStreamRecord(
        data, size,
        [&](Direction dir, const uint8_t* p, size_t n) {
          protocol.probe(AppProtocol::kTcp, dir, p, n);
          protocol.probe(AppProtocol::kUdp, dir, p, n);
          tcp->onData(dir, p, n, sink);
          udp->onData(dir, p, n, sink);
        },
        [&](Direction dir, size_t) { tcp->onGap(dir); });
    tcp->onEnd(sink);
    udp->onEnd(sink);
    sink.expectAllClosed();
  }
  if (memory.used() != 0) std::abort();
}

}  // namespace mamori::fuzz
