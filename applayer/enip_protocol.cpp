#include "applayer/enip_protocol.h"

#include "applayer/enip_message_decoder.h"
#include "applayer/enip_transaction_writer.h"
#include "applayer/open_requests.h"
#include "applayer/plugin_stream_buffers.h"

namespace mamori {
namespace {

class EnipFlowParser final : public AppProtocolParser {
 public:
  EnipFlowParser(uint8_t transport, AppMemory* memory)
      : datagrams_(transport == AppProtocol::kUdp), stream_(memory, EnipProtocol::kMaxPdu) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (datagrams_) {
      if (!EnipMessageDecoder::decode(data, len, message_)) {
        sink.malformed();
        return;
      }
      pdu(dir, sink);
      return;
    }
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
  }

  // After a hole, parsing resumes at the first segment that starts with an ENIP header, as
  // Suricata's does.
  void onGap(Direction dir) override {
    stream_.restart(dir);
    resync_[static_cast<int>(dir)] = true;
  }

  void onEnd(ProtocolSink& sink) override {
    while (open_.size() > 0) {
      unanswered(open_[0], sink);
      open_.close(0);
    }
  }

 private:
  // The whole PDUs at the start of `data`; how many bytes they took.
  size_t consume(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    bool& resync = resync_[static_cast<int>(dir)];
    if (resync) {
      if (EnipMessageDecoder::probe(data, len) != ProbeResult::Match) return len;
      resync = false;
    }
    size_t at = 0;
    while (at < len) {
      const size_t size = EnipMessageDecoder::pduSize(data + at, len - at);
      if (size == 0 || len - at < size) return at;
      EnipMessageDecoder::decode(data + at, size, message_);
      pdu(dir, sink);
      at += size;
    }
    return at;
  }

  // Whether the PDU is a response. A CIP message says so itself (its service's response
  // bit), as do the items of a ListIdentity or ListServices reply: this orients flows picked
  // up mid-stream, whose first packet may be the server's. Other PDUs go by the side that
  // sent them.
  bool isResponse(Direction dir) const {
    switch (message_.payload) {
      case EnipMessage::Payload::Cip: return message_.cip.response;
      case EnipMessage::Payload::Identity:
      case EnipMessage::Payload::Services: return true;
      default: return dir == Direction::ToClient;
    }
  }

  void pdu(Direction dir, ProtocolSink& sink) {
    if (!isResponse(dir)) {
      EnipOpenRequest& open = opened(sink);
      open.dir = dir;
      writer_.request(message_, open, record_);
      sink.emit(dir, record_);
      return;
    }
    // Requests passed over by this response are closed, as Suricata marks them done.
    while (open_.size() > 0 && !EnipTransactionWriter::answers(open_[0], message_)) {
      unanswered(open_[0], sink);
      open_.close(0);
    }
    if (open_.size() > 0) {
      writer_.response(message_, &open_[0], open_[0].tx_id, record_);
      open_.close(0);
    } else {
      writer_.response(message_, nullptr, next_tx_++, record_);
    }
    sink.emit(dir, record_);
  }

  EnipOpenRequest& opened(ProtocolSink& sink) {
    if (open_.full()) {
      writer_.unanswered(open_[0], record_);
      raise(record_.events, AppLayerEvent::EnipTooManyTransactions);
      sink.emit(open_[0].dir, record_);
      open_.close(0);
    }
    EnipOpenRequest& open = open_.open();
    open.tx_id = next_tx_++;
    return open;
  }

  void unanswered(const EnipOpenRequest& open, ProtocolSink& sink) {
    writer_.unanswered(open, record_);
    sink.emit(open.dir, record_);
  }

  const bool datagrams_;
  PluginStreamBuffers stream_;
  bool resync_[2] = {false, false};
  OpenRequests<EnipOpenRequest, EnipProtocol::kMaxOpen> open_;
  EnipMessage message_;
  EnipTransactionWriter writer_;
  ProtocolTransaction record_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult EnipProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  return EnipMessageDecoder::probe(data, len);
}

// The parser with its decoded message, and its open requests' EVE objects (a request's is
// a few hundred bytes, up to some kilobytes for a Multiple Service Packet of kMaxMultiple
// services); the TCP buffers charge themselves as they grow.
size_t EnipProtocol::parserBytes() const { return sizeof(EnipFlowParser) + kMaxOpen * 2048 + 4096; }

std::unique_ptr<AppProtocolParser> EnipProtocol::newParser(uint8_t transport, AppMemory* memory) const {
  return std::make_unique<EnipFlowParser>(transport, memory);
}

}  // namespace mamori
