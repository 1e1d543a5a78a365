#pragma once
// The body of a protocol plug-in's fuzz target (applayer/app_protocol.h): its per-flow
// parsers, as AppParsers drives them. Each data record (stream_records.h) goes to a TCP
// parser as that direction's next stream bytes and to a UDP parser as one datagram; a gap
// record is a hole in the TCP stream. Checked besides crashes: every EVE object a record
// carries (each logged one has one) is valid JSON (traffic must never break an EVE line), every field lies within the
// record's bytes, and the parsers give back all they charged to the AppMemory.
#include <rapidjson/document.h>

#include <cstdlib>

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
    for (const ProtocolField& f : tx.fields) {
      if (static_cast<size_t>(f.offset) + f.length > tx.bytes.size()) std::abort();
    }
  }
  void malformed() override {}
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
  }
  if (memory.used() != 0) std::abort();
}

}  // namespace mamori::fuzz
