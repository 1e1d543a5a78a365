#include "applayer/mqtt_protocol.h"

#include <algorithm>
#include <optional>

#include "applayer/mqtt_message_decoder.h"
#include "applayer/mqtt_message_writer.h"
#include "applayer/open_requests.h"
#include "applayer/plugin_stream_buffers.h"

namespace mamori {
namespace {

// A transaction waiting for its acknowledgement: its packets' EVE objects so far.
struct MqttOpenTransaction {
  uint64_t tx_id = 0;
  bool connect = false;  // waits for a CONNACK, not for a message id
  uint16_t message_id = 0;
  Direction dir = Direction::ToServer;
  AppLayerEventSet events;
  std::string parts;
};

class MqttFlowParser final : public AppProtocolParser {
 public:
  MqttFlowParser(AppMemory* memory, size_t max_message)
      : max_message_(max_message), stream_(memory, std::min<size_t>(max_message, 0x0fffffff) + 5) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    uint64_t& skip = skip_[static_cast<int>(dir)];
    if (skip > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(skip, len));
      skip -= n;
      data += n;
      len -= n;
    }
    if (len == 0) return;
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
  }

  void onGap(Direction dir) override { stream_.onGap(dir); }

  void onEnd(ProtocolSink& sink) override {
    while (open_.size() > 0) closeOpen(0, sink);
  }

 private:
  size_t consume(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    size_t at = 0;
    while (at < len) {
      size_t header_size = 0;
      uint64_t size = 0;
      const auto framing = MqttMessageDecoder::frame(data + at, len - at, header_size, size);
      if (framing == MqttMessageDecoder::Framing::NeedMore) return at;
      if (framing == MqttMessageDecoder::Framing::Invalid) return malformed(dir, sink, at);
      if (size - header_size > max_message_) {
        message_.clear();
        message_.type = data[at] >> 4;
        message_.flags = data[at] & 0x0f;
        message_.truncated = true;
        message_.skipped = size;
        packet(dir, sink);
        const uint64_t here = len - at;
        if (size >= here) {
          skip_[static_cast<int>(dir)] = size - here;
          return len;
        }
        at += static_cast<size_t>(size);
        continue;
      }
      if (len - at < size) return at;
      if (!MqttMessageDecoder::decode(data + at, static_cast<size_t>(size), header_size, version_, message_)) {
        return malformed(dir, sink, at);
      }
      packet(dir, sink);
      at += static_cast<size_t>(size);
    }
    return at;
  }

  size_t malformed(Direction dir, ProtocolSink& sink, size_t at) {
    begin(next_tx_++);
    raise(record_.events, AppLayerEvent::MqttMalformedTraffic);
    record_.eve = "{}";
    sink.emit(dir, record_);
    stream_.giveUp(dir, sink);
    return at;
  }

  void begin(uint64_t tx_id) {
    record_.clear();
    record_.protocol = "mqtt";
    record_.tx_id = tx_id;
  }

  // One packet: joins the transaction it acknowledges, or opens or is one of its own.
  void packet(Direction dir, ProtocolSink& sink) {
    const MqttMessage& m = message_;
    if (m.truncated) return single(dir, sink, {});
    switch (m.type) {
      case MqttMessage::kConnect: {
        AppLayerEventSet events;
        if (connected_) raise(events, AppLayerEvent::MqttDoubleConnect);
        version_ = m.protocol_version;
        return open(dir, true, 0, events, sink);
      }
      case MqttMessage::kPublish:
      case MqttMessage::kSubscribe:
      case MqttMessage::kUnsubscribe: {
        AppLayerEventSet events;
        if (!connected_) raise(events, AppLayerEvent::MqttUnintroducedMessage);
        if (m.qos() > 2) raise(events, AppLayerEvent::MqttInvalidQosLevel);
        if (m.qos() == 0 || m.qos() > 2) return single(dir, sink, events);
        if (!m.message_id) {
          raise(events, AppLayerEvent::MqttMissingMsgId);
          return single(dir, sink, events);
        }
        return open(dir, false, *m.message_id, events, sink);
      }
      case MqttMessage::kConnack: return acknowledge(dir, true, AppLayerEvent::MqttMissingConnect, true, sink);
      case MqttMessage::kPubrec:
      case MqttMessage::kPubrel: return acknowledge(dir, false, AppLayerEvent::MqttMissingPublish, false, sink);
      case MqttMessage::kPuback:
      case MqttMessage::kPubcomp: return acknowledge(dir, false, AppLayerEvent::MqttMissingPublish, true, sink);
      case MqttMessage::kSuback: return acknowledge(dir, false, AppLayerEvent::MqttMissingSubscribe, true, sink);
      case MqttMessage::kUnsuback: return acknowledge(dir, false, AppLayerEvent::MqttMissingUnsubscribe, true, sink);
      case MqttMessage::kUnassigned: {
        AppLayerEventSet events;
        raise(events, AppLayerEvent::MqttUnassignedMsgType);
        return single(dir, sink, events);
      }
      default: {  // PINGREQ, PINGRESP, DISCONNECT, AUTH
        AppLayerEventSet events;
        if (!connected_) raise(events, AppLayerEvent::MqttUnintroducedMessage);
        return single(dir, sink, events);
      }
    }
  }

  // A transaction of one packet, written at once.
  void single(Direction dir, ProtocolSink& sink, const AppLayerEventSet& events) {
    begin(next_tx_++);
    record_.events = events;
    parts_.clear();
    writer_.eve(message_, parts_);
    finishEve(parts_);
    MqttMessageWriter::fields(message_, version_, record_);
    sink.emit(dir, record_);
  }

  // A request that waits for its acknowledgement: inspected now, written with it.
  void open(Direction dir, bool connect, uint16_t id, const AppLayerEventSet& events, ProtocolSink& sink) {
    if (open_.full()) {
      open_[0].events.set(static_cast<size_t>(AppLayerEvent::MqttTooManyTransactions));
      closeOpen(0, sink);
    }
    MqttOpenTransaction& t = open_.open();
    t.tx_id = next_tx_++;
    t.connect = connect;
    t.message_id = id;
    t.dir = dir;
    t.events = events;
    t.parts.clear();
    writer_.eve(message_, t.parts);
    begin(t.tx_id);
    record_.events = events;
    record_.logged = false;
    MqttMessageWriter::fields(message_, version_, record_);
    sink.emit(dir, record_);
  }

  void acknowledge(Direction dir, bool connack, AppLayerEvent missing, bool completes, ProtocolSink& sink) {
    for (size_t i = 0; i < open_.size(); ++i) {
      MqttOpenTransaction& t = open_[i];
      if (t.connect != connack || (!connack && t.message_id != *message_.message_id)) continue;
      if (connack) connected_ = true;
      writer_.eve(message_, t.parts);
      begin(t.tx_id);
      MqttMessageWriter::fields(message_, version_, record_);
      if (!completes) {
        record_.logged = false;
        sink.emit(dir, record_);
        return;
      }
      record_.events = t.events;
      finishEve(t.parts);
      sink.emit(dir, record_);
      open_.close(i);
      return;
    }
    AppLayerEventSet events;
    raise(events, missing);
    if (!connack && !connected_) raise(events, AppLayerEvent::MqttUnintroducedMessage);
    single(dir, sink, events);
  }

  // Writes an open transaction as it is (the flow ended, or too many are open).
  void closeOpen(size_t i, ProtocolSink& sink) {
    MqttOpenTransaction& t = open_[i];
    begin(t.tx_id);
    record_.events = t.events;
    finishEve(t.parts);
    sink.emit(t.dir, record_);
    open_.close(i);
  }

  void finishEve(const std::string& parts) {
    record_.eve.assign(1, '{');
    record_.eve += parts;
    record_.eve += '}';
  }

  size_t max_message_;
  PluginStreamBuffers stream_;
  OpenRequests<MqttOpenTransaction, MqttProtocol::kMaxOpen> open_;
  MqttMessage message_;
  MqttMessageWriter writer_;
  ProtocolTransaction record_;
  std::string parts_;
  uint64_t skip_[2] = {0, 0};
  uint64_t next_tx_ = 0;
  uint8_t version_ = 0;
  bool connected_ = false;
};

}  // namespace

ProbeResult MqttProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  return MqttMessageDecoder::probe(data, len);
}

// The parser and its open transactions' EVE text (a few hundred bytes each); the TCP buffers
// charge themselves as they grow.
size_t MqttProtocol::parserBytes() const { return sizeof(MqttFlowParser) + kMaxOpen * 512 + 4096; }

std::unique_ptr<AppProtocolParser> MqttProtocol::newParser(uint8_t, AppMemory* memory) const {
  return std::make_unique<MqttFlowParser>(memory, max_message_);
}

}  // namespace mamori
