#include "applayer/snmp_protocol.h"

#include "applayer/snmp_message_decoder.h"
#include "applayer/snmp_transaction_writer.h"

namespace mamori {
namespace {

class SnmpFlowParser final : public AppProtocolParser {
 public:
  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (!SnmpMessageDecoder::decode(data, len, message_)) {
      sink.malformed();
      tx_.clear();
      tx_.protocol = "snmp";
      tx_.logged = false;
      raise(tx_.events, AppLayerEvent::SnmpMalformedData);
    } else {
      if (flow_version_ == 0) flow_version_ = message_.version;
      writer_.write(message_, flow_version_, tx_);
    }
    tx_.tx_id = next_tx_++;
    sink.emit(dir, tx_);
  }
  void onGap(Direction) override {}
  void onEnd(ProtocolSink&) override {}

 private:
  SnmpMessage message_;
  SnmpTransactionWriter writer_;
  ProtocolTransaction tx_;
  uint32_t flow_version_ = 0;  // the first message's
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult SnmpProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  return SnmpMessageDecoder::looksLikeSnmp(data, len) ? ProbeResult::Match : ProbeResult::NoMatch;
}

// The parser (its message with its kept variable names, writer and transaction) and what its
// EVE writer keeps for a usual message.
size_t SnmpProtocol::parserBytes() const { return sizeof(SnmpFlowParser) + 4096; }

std::unique_ptr<AppProtocolParser> SnmpProtocol::newParser(uint8_t, AppMemory*) const {
  return std::make_unique<SnmpFlowParser>();
}

}  // namespace mamori
