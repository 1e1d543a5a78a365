#include "applayer/dnp3_protocol.h"

#include <string>

#include "applayer/dnp3_link_frame.h"
#include "applayer/dnp3_record_writer.h"
#include "applayer/plugin_stream_buffers.h"

namespace mamori {
namespace {

constexpr uint8_t kTransportFin = 0x80, kTransportFir = 0x40;
constexpr size_t kMaxFrame = Dnp3LinkFrame::kHeaderSize + 250 + 2 * 16;

class Dnp3FlowParser final : public AppProtocolParser {
 public:
  Dnp3FlowParser(uint8_t transport, AppMemory* memory)
      : datagrams_(transport == AppProtocol::kUdp), stream_(memory, kMaxFrame) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (datagrams_) {
      if (consume(dir, data, len, sink) != len) sink.malformed();
      return;
    }
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
  }

  void onGap(Direction dir) override {
    stream_.onGap(dir);
    fragment_[static_cast<int>(dir)].clear();
  }

  void onEnd(ProtocolSink&) override {}

 private:
  // The whole frames at the start of `data`; how many bytes they took.
  size_t consume(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    size_t at = 0;
    while (at < len) {
      const ProbeResult start = Dnp3LinkFrame::probe(data + at, len - at);
      if (start == ProbeResult::Unsure) return at;
      if (start == ProbeResult::NoMatch) {
        if (len - at >= 3 && data[at] == 0x05 && data[at + 1] == 0x64) event(dir, AppLayerEvent::Dnp3LenTooSmall, sink);
        if (!datagrams_) stream_.giveUp(dir, sink);
        return at;
      }
      const size_t size = Dnp3LinkFrame::frameSize(data + at, len - at);
      if (size == 0 || len - at < size) return at;
      frame_.read(data + at, size);
      at += size;
      if (frame_.bad_header_crc || frame_.bad_data_crc) {
        event(dir, frame_.bad_header_crc ? AppLayerEvent::Dnp3BadLinkCrc : AppLayerEvent::Dnp3BadTransportCrc, sink);
        continue;
      }
      segment(dir, sink);
    }
    return at;
  }

  // The frame's transport segment: joined to its direction's fragment, written when final.
  void segment(Direction dir, ProtocolSink& sink) {
    if (frame_.user_data.empty()) return;  // link-layer only (a reset, a status request)
    std::string& fragment = fragment_[static_cast<int>(dir)];
    const auto transport = static_cast<uint8_t>(frame_.user_data[0]);
    if (transport & kTransportFir) {
      fragment.clear();
      in_fragment_[static_cast<int>(dir)] = true;
    }
    if (!in_fragment_[static_cast<int>(dir)]) return;  // a segment with no first one before it
    if (fragment.size() + frame_.user_data.size() - 1 > Dnp3Protocol::kMaxFragment) {
      fragment.clear();
      in_fragment_[static_cast<int>(dir)] = false;
      event(dir, AppLayerEvent::Dnp3TooLongReassembly, sink);
      return;
    }
    fragment.append(frame_.user_data, 1);
    if (!(transport & kTransportFin)) return;
    in_fragment_[static_cast<int>(dir)] = false;
    if (writer_.write(fragment, frame_, dir == Direction::ToServer, next_tx_, record_)) {
      ++next_tx_;
      sink.emit(dir, record_);
    } else {
      event(dir, AppLayerEvent::Dnp3Malformed, sink);
    }
    fragment.clear();
  }

  // An event no fragment carries: a record of its own, inspected, not logged.
  void event(Direction dir, AppLayerEvent e, ProtocolSink& sink) {
    record_.clear();
    record_.protocol = "dnp3";
    record_.tx_id = next_tx_;
    record_.logged = false;
    raise(record_.events, e);
    sink.emit(dir, record_);
  }

  const bool datagrams_;
  PluginStreamBuffers stream_;
  Dnp3LinkFrame frame_;
  std::string fragment_[2];
  bool in_fragment_[2] = {false, false};
  Dnp3RecordWriter writer_;
  ProtocolTransaction record_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult Dnp3Protocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  return Dnp3LinkFrame::probe(data, len);
}

// The parser, a fragment per direction at its bound and the record it writes.
size_t Dnp3Protocol::parserBytes() const { return sizeof(Dnp3FlowParser) + 3 * kMaxFragment + 2048; }

std::unique_ptr<AppProtocolParser> Dnp3Protocol::newParser(uint8_t transport, AppMemory* memory) const {
  return std::make_unique<Dnp3FlowParser>(transport, memory);
}

}  // namespace mamori
