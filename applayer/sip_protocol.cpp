#include "applayer/sip_protocol.h"

#include <cstring>

#include "applayer/plugin_stream_buffers.h"
#include "applayer/sip_message_parser.h"

namespace mamori {
namespace {

class SipFlowParser final : public AppProtocolParser {
 public:
  SipFlowParser(uint8_t transport, AppMemory* memory)
      : datagrams_(transport == AppProtocol::kUdp), stream_(memory, SipProtocol::kMaxMessage) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (datagrams_) {
      const std::string_view bytes(reinterpret_cast<const char*>(data), len);
      // Keep-alives (RFC 5626's CRLFs; some phones send spaces) are no message, nor malformed.
      if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
      if (parser_.parse(bytes, true, tx_).status == SipMessageParser::Status::Complete) {
        emit(dir, sink);
      } else {
        sink.malformed();
      }
      return;
    }
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) {
      return consume(dir, std::string_view(reinterpret_cast<const char*>(bytes), n), sink);
    });
  }

  void onGap(Direction dir) override { stream_.onGap(dir); }

  void onEnd(ProtocolSink&) override {}

 private:
  void emit(Direction dir, ProtocolSink& sink) {
    tx_.tx_id = next_tx_++;
    sink.emit(dir, tx_);
  }
  // Emits the whole messages at the start of `data`; how many bytes they took. Data that is
  // not SIP gives up on the direction.
  size_t consume(Direction dir, std::string_view data, ProtocolSink& sink) {
    size_t at = 0;
    for (;;) {
      // Keep-alive line ends (RFC 5626) between messages.
      while (at < data.size() && (data[at] == '\r' || data[at] == '\n')) ++at;
      if (at == data.size()) return at;
      const SipMessageParser::Result r = parser_.parse(data.substr(at), false, tx_);
      if (r.status == SipMessageParser::Status::Incomplete) return at;
      if (r.status == SipMessageParser::Status::Malformed) {
        stream_.giveUp(dir, sink);
        return at;
      }
      emit(dir, sink);
      at += r.consumed;
    }
  }

  const bool datagrams_;
  PluginStreamBuffers stream_;
  SipMessageParser parser_;
  ProtocolTransaction tx_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult SipProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  switch (SipMessageParser::looksLikeSip(std::string_view(reinterpret_cast<const char*>(data), len))) {
    case SipMessageParser::Looks::Sip: return ProbeResult::Match;
    case SipMessageParser::Looks::NotSip: return ProbeResult::NoMatch;
    case SipMessageParser::Looks::TooShort: break;
  }
  return ProbeResult::Unsure;
}

// The parser and what its transaction and EVE writer keep for a usual message; the TCP
// buffers charge themselves as they grow.
size_t SipProtocol::parserBytes() const { return sizeof(SipFlowParser) + 4096; }

std::unique_ptr<AppProtocolParser> SipProtocol::newParser(uint8_t transport, AppMemory* memory) const {
  return std::make_unique<SipFlowParser>(transport, memory);
}

}  // namespace mamori
