#include "applayer/sip_protocol.h"

#include <cstring>

#include "applayer/sip_message_parser.h"

namespace mamori {
namespace {

class SipFlowParser final : public AppProtocolParser {
 public:
  SipFlowParser(uint8_t transport, AppMemory* memory)
      : datagrams_(transport == AppProtocol::kUdp), pending_{BudgetedBuffer(memory), BudgetedBuffer(memory)} {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    const std::string_view bytes(reinterpret_cast<const char*>(data), len);
    if (datagrams_) {
      // Keep-alives (RFC 5626's CRLFs; some phones send spaces) are no message, nor malformed.
      if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
      if (parser_.parse(bytes, true, tx_).status == SipMessageParser::Status::Complete) {
        emit(dir, sink);
      } else {
        sink.malformed();
      }
      return;
    }
    const int d = static_cast<int>(dir);
    if (broken_[d]) return;
    std::vector<uint8_t>& held = pending_[d].bytes();
    if (held.empty()) {
      // The usual case: whole messages in the chunk, parsed in place; only a tail is kept.
      const size_t used = consume(dir, bytes, sink);
      if (!broken_[d]) keep(d, bytes.substr(used), sink);
      return;
    }
    if (!keep(d, bytes, sink)) return;
    const size_t used = consume(dir, std::string_view(reinterpret_cast<const char*>(held.data()), held.size()), sink);
    if (!broken_[d]) held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(used));
  }

  void onGap(Direction dir) override {
    const int d = static_cast<int>(dir);
    broken_[d] = true;
    pending_[d].release();
  }

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
        giveUp(static_cast<int>(dir), sink);
        return at;
      }
      emit(dir, sink);
      at += r.consumed;
    }
  }
  // Appends `data` to what the direction holds, within kMaxMessage and the budget; false
  // (the direction given up) when it cannot.
  bool keep(int d, std::string_view data, ProtocolSink& sink) {
    if (data.empty()) return true;
    BudgetedBuffer& pending = pending_[d];
    const size_t held = pending.bytes().size();
    if (held + data.size() > SipProtocol::kMaxMessage || !pending.reserve(held + data.size(), SipProtocol::kMaxMessage)) {
      giveUp(d, sink);
      return false;
    }
    pending.bytes().insert(pending.bytes().end(), data.begin(), data.end());
    return true;
  }
  void giveUp(int d, ProtocolSink& sink) {
    sink.malformed();
    broken_[d] = true;
    pending_[d].release();
  }

  const bool datagrams_;
  BudgetedBuffer pending_[2];
  bool broken_[2] = {false, false};
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
