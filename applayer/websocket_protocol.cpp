#include "applayer/websocket_protocol.h"

#include <algorithm>
#include <cstring>

#include "applayer/eve_object_writer.h"
#include "applayer/number_name_of.h"
#include "applayer/websocket_frame.h"
#include "applayer/websocket_names.h"

namespace mamori {
namespace {

class WebsocketFlowParser final : public AppProtocolParser {
 public:
  WebsocketFlowParser(AppMemory* memory, size_t max_payload)
      : max_payload_(max_payload), sides_{Side(memory), Side(memory)} {
    record_.protocol = "websocket";
  }

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    Side& s = sides_[static_cast<int>(dir)];
    while (len > 0 && !s.broken) {
      const size_t used = s.in_frame ? payload(dir, s, data, len, sink) : header(s, data, len, dir, sink);
      data += used;
      len -= used;
    }
  }

  void onGap(Direction dir) override {
    Side& s = sides_[static_cast<int>(dir)];
    s.broken = true;
    s.payload.release();
    s.message.release();
  }

  void onEnd(ProtocolSink&) override {}

 private:
  struct Side {
    explicit Side(AppMemory* memory) : payload(memory), message(memory) {}
    uint8_t header[WebsocketFrame::kMaxHeader];
    size_t header_len = 0;
    WebsocketFrame frame;
    bool in_frame = false;
    uint64_t read = 0;  // payload bytes of the frame seen so far
    uint64_t keep = 0;  // how many of them are kept
    BudgetedBuffer payload;  // the frame's kept payload, unmasked
    BudgetedBuffer message;  // the fragments of a data message so far
    bool broken = false;
  };

  // Takes header bytes; returns how many of `data` the header used.
  size_t header(Side& s, const uint8_t* data, size_t len, Direction dir, ProtocolSink& sink) {
    const size_t before = s.header_len;
    const size_t copied = std::min(len, sizeof(s.header) - before);
    std::memcpy(s.header + before, data, copied);
    s.header_len += copied;
    if (!s.frame.read(s.header, s.header_len)) return copied;
    s.in_frame = true;
    s.read = 0;
    s.keep = std::min<uint64_t>(s.frame.length, max_payload_);
    s.payload.bytes().clear();
    if (!s.payload.reserve(s.keep, max_payload_)) {
      giveUp(dir, sink);
      return copied;
    }
    if (s.keep == 0) frameRead(dir, s, sink);
    return s.frame.header_size - before;
  }

  // Takes payload bytes, kept or skipped; returns how many it used.
  size_t payload(Direction dir, Side& s, const uint8_t* data, size_t len, ProtocolSink& sink) {
    if (s.read < s.keep) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(len, s.keep - s.read));
      std::vector<uint8_t>& kept = s.payload.bytes();
      kept.insert(kept.end(), data, data + n);
      s.frame.unmask(kept.data() + kept.size() - n, n, s.read);
      s.read += n;
      if (s.read == s.keep) frameRead(dir, s, sink);
      return n;
    }
    const size_t n = static_cast<size_t>(std::min<uint64_t>(len, s.frame.length - s.read));
    s.read += n;
    if (s.read == s.frame.length) endFrame(s);
    return n;
  }

  // The kept part of the frame is in: its transaction goes out; what is past the bound is
  // skipped after it.
  void frameRead(Direction dir, Side& s, ProtocolSink& sink) {
    record_.clear();
    record_.protocol = "websocket";
    record_.tx_id = next_tx_++;
    if (s.frame.length > s.keep) raise(record_.events, AppLayerEvent::WebsocketSkipEndOfPayload);
    std::vector<uint8_t>* shown = &s.payload.bytes();
    std::vector<uint8_t>& message = s.message.bytes();
    if (!s.frame.control() && (!message.empty() || !s.frame.fin())) {
      const size_t room = max_payload_ - std::min(max_payload_, message.size());
      const size_t take = std::min(room, shown->size());
      if (take < shown->size()) raise(record_.events, AppLayerEvent::WebsocketReassemblyLimitReached);
      if (!s.message.reserve(message.size() + take, max_payload_)) {
        giveUp(dir, sink);
        return;
      }
      message.insert(message.end(), shown->begin(), shown->begin() + static_cast<std::ptrdiff_t>(take));
      if (s.frame.fin()) shown = &message;
    }
    record_.add("websocket.payload",
                std::string_view(reinterpret_cast<const char*>(shown->data()), shown->size()));
    record_.addNumber("websocket.opcode", s.frame.opcode);
    record_.addNumber("websocket.flags", s.frame.flags);
    if (s.frame.masked) record_.addNumber("websocket.mask", s.frame.mask);
    eve_.begin();
    eve_.key("fin");
    eve_.boolean(s.frame.fin());
    if (s.frame.masked) {
      eve_.key("mask");
      eve_.number(s.frame.mask);
    }
    const std::string_view opcode = numberNameOf(kWebsocketOpcodeNames, s.frame.opcode);
    eve_.key("opcode");
    eve_.string(opcode.empty() ? "unknown-" + std::to_string(s.frame.opcode) : std::string(opcode));
    eve_.finish(record_.eve);
    sink.emit(dir, record_);
    if (shown == &message) message.clear();
    if (s.read == s.frame.length) endFrame(s);
  }

  static void endFrame(Side& s) {
    s.in_frame = false;
    s.header_len = 0;
  }

  void giveUp(Direction dir, ProtocolSink& sink) {
    sink.malformed();
    onGap(dir);
  }

  size_t max_payload_;
  Side sides_[2];
  ProtocolTransaction record_;
  EveObjectWriter eve_;
  uint64_t next_tx_ = 0;
};

}  // namespace

size_t WebsocketProtocol::parserBytes() const { return sizeof(WebsocketFlowParser) + 512; }

std::unique_ptr<AppProtocolParser> WebsocketProtocol::newParser(uint8_t, AppMemory* memory) const {
  return std::make_unique<WebsocketFlowParser>(memory, max_payload_);
}

}  // namespace mamori
