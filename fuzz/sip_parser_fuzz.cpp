// Fuzz target: the SIP plug-in's per-flow parsers, as AppParsers drives them. Each data
// record (stream_records.h) goes to a TCP parser as that direction's next stream bytes and to
// a UDP parser as one datagram; a gap record is a hole in the TCP stream. Checked besides
// crashes: every EVE object a record carries is valid JSON (traffic must never break an EVE
// line), and the parsers give back all they charged to the AppMemory.
#include <rapidjson/document.h>

#include <cstdlib>

#include "applayer/sip_protocol.h"
#include "fuzz/stream_records.h"

namespace {

class CheckingSink final : public mamori::ProtocolSink {
 public:
  void emit(mamori::Direction, const mamori::ProtocolTransaction& tx) override {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(tx.eve.data(), tx.eve.size());
    if (doc.HasParseError() || !doc.IsObject()) std::abort();
    for (const mamori::ProtocolField& f : tx.fields) {
      if (static_cast<size_t>(f.offset) + f.length > tx.bytes.size()) std::abort();
    }
  }
  void malformed() override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  AppMemory memory(1 << 20);
  {
    const SipProtocol sip;
    auto tcp = sip.newParser(AppProtocol::kTcp, &memory);
    auto udp = sip.newParser(AppProtocol::kUdp, &memory);
    CheckingSink sink;
    fuzz::forEachStreamRecord(
        data, size,
        [&](Direction dir, const uint8_t* p, size_t n) {
          tcp->onData(dir, p, n, sink);
          udp->onData(dir, p, n, sink);
        },
        [&](Direction dir, size_t) { tcp->onGap(dir); });
    tcp->onEnd(sink);
    udp->onEnd(sink);
  }
  if (memory.used() != 0) std::abort();
  return 0;
}
