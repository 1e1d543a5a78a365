#include "applayer/dhcp_protocol.h"

#include "applayer/dhcp_message_decoder.h"
#include "applayer/dhcp_transaction_writer.h"

namespace mamori {
namespace {

class DhcpFlowParser final : public AppProtocolParser {
 public:
  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (!DhcpMessageDecoder::decode(data, len, message_)) {
      sink.malformed();
      return;
    }
    writer_.write(message_, tx_);
    tx_.tx_id = next_tx_++;
    sink.emit(dir, tx_);
  }
  void onGap(Direction) override {}
  void onEnd(ProtocolSink&) override {}

 private:
  DhcpMessage message_;
  DhcpTransactionWriter writer_;
  ProtocolTransaction tx_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult DhcpProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  return DhcpMessageDecoder::looksLikeDhcp(data, len) ? ProbeResult::Match : ProbeResult::NoMatch;
}

// The parser (its message, writer and transaction) and what its EVE writer keeps for a usual
// message.
size_t DhcpProtocol::parserBytes() const { return sizeof(DhcpFlowParser) + 2048; }

std::unique_ptr<AppProtocolParser> DhcpProtocol::newParser(uint8_t, AppMemory*) const {
  return std::make_unique<DhcpFlowParser>();
}

}  // namespace mamori
