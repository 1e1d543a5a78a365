#include "applayer/modbus_protocol.h"

#include <optional>

#include "applayer/modbus_message_decoder.h"
#include "applayer/modbus_transaction_writer.h"
#include "applayer/open_requests.h"
#include "applayer/plugin_stream_buffers.h"

namespace mamori {
namespace {

class ModbusFlowParser final : public AppProtocolParser {
 public:
  explicit ModbusFlowParser(AppMemory* memory) : stream_(memory, ModbusMessage::kMaxAdu) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
  }

  void onGap(Direction dir) override { stream_.onGap(dir); }

  void onEnd(ProtocolSink& sink) override {
    while (open_.size() > 0) closeOldest(sink);
  }

 private:
  size_t consume(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    size_t at = 0;
    while (at < len) {
      const size_t size = ModbusMessageDecoder::aduSize(data + at, len - at);
      if (size == 0 || len - at < size) return at;
      if (!ModbusMessageDecoder::decode(data + at, size, dir == Direction::ToServer, message_)) {
        stream_.giveUp(dir, sink);
        return at;
      }
      adu(dir, sink);
      at += size;
    }
    return at;
  }

  void adu(Direction dir, ProtocolSink& sink) {
    if (dir == Direction::ToServer) {
      if (open_.full()) closeOldest(sink, AppLayerEvent::ModbusFlooded);
      ModbusOpenRequest& open = open_.open();
      open.tx_id = next_tx_++;
      open.dir = dir;
      writer_.request(message_, open, record_);
      sink.emit(dir, record_);
      return;
    }
    for (size_t i = 0; i < open_.size(); ++i) {
      if (!ModbusTransactionWriter::answers(open_[i], message_)) continue;
      writer_.response(message_, &open_[i], open_[i].tx_id, record_);
      open_.close(i);
      sink.emit(dir, record_);
      return;
    }
    writer_.response(message_, nullptr, next_tx_++, record_);
    sink.emit(dir, record_);
  }

  void closeOldest(ProtocolSink& sink, std::optional<AppLayerEvent> event = std::nullopt) {
    writer_.unanswered(open_[0], record_);
    if (event) raise(record_.events, *event);
    sink.emit(open_[0].dir, record_);
    open_.close(0);
  }

  PluginStreamBuffers stream_;
  OpenRequests<ModbusOpenRequest, ModbusProtocol::kMaxOpen> open_;
  ModbusMessage message_;
  ModbusTransactionWriter writer_;
  ProtocolTransaction record_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult ModbusProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  return ModbusMessageDecoder::probe(data, len);
}

// The parser and its open requests' EVE objects (a few hundred bytes each: a request's data is
// at most 252 bytes); the TCP buffers charge themselves as they grow.
size_t ModbusProtocol::parserBytes() const { return sizeof(ModbusFlowParser) + kMaxOpen * 1024 + 2048; }

std::unique_ptr<AppProtocolParser> ModbusProtocol::newParser(uint8_t, AppMemory* memory) const {
  return std::make_unique<ModbusFlowParser>(memory);
}

}  // namespace mamori
