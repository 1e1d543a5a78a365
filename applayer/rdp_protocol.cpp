#include "applayer/rdp_protocol.h"

#include "applayer/plugin_stream_buffers.h"
#include "applayer/rdp_message_decoder.h"
#include "applayer/rdp_transaction_writer.h"

namespace mamori {
namespace {

constexpr uint8_t kTlsHandshakeRecord = 0x16;
constexpr uint8_t kX224ConnectionRequest = 0xe0, kX224ConnectionConfirm = 0xd0;

class RdpFlowParser final : public AppProtocolParser {
 public:
  explicit RdpFlowParser(AppMemory* memory) : stream_(memory, RdpProtocol::kMaxPacket) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (done_ || change_.to) return;
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
  }
  void onGap(Direction dir) override { stream_.onGap(dir); }
  void onEnd(ProtocolSink&) override {}
  ProtocolChange protocolChange() const override { return change_; }

 private:
  // Decodes the whole TPKT packets at the start of `data`; how many bytes they took.
  size_t consume(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    size_t at = 0;
    while (at < len && !done_ && !change_.to) {
      if (security_selected_ && data[at] == kTlsHandshakeRecord) {
        writer_.writeTlsHandshake(next_tx_, tx_);
        emit(dir, sink);
        change_ = {"tls", len - at};
        return len;
      }
      if (len - at < RdpMessageDecoder::kTpktHeader) return at;
      const size_t packet = RdpMessageDecoder::tpktLength(data + at, len - at);
      if (packet == 0) {
        // After the confirm, RDP's fast-path PDUs are not TPKT: the clear start is over.
        if (confirmed_) {
          done_ = true;
        } else {
          stream_.giveUp(dir, sink);
        }
        return at;
      }
      if (len - at < packet) return at;
      if (!RdpMessageDecoder::decode(data + at, packet, message_)) {
        stream_.giveUp(dir, sink);
        return at;
      }
      at += packet;
      record(dir, sink);
    }
    return at;
  }

  void record(Direction dir, ProtocolSink& sink) {
    if (message_.kind == RdpMessage::Kind::Other) return;
    if (message_.kind == RdpMessage::Kind::ConnectionConfirm) {
      confirmed_ = true;
      security_selected_ = message_.selected_protocol && *message_.selected_protocol != RdpMessage::kProtocolRdp;
    }
    writer_.write(message_, next_tx_, tx_);
    emit(dir, sink);
    if (message_.kind == RdpMessage::Kind::ConnectResponse) done_ = true;
  }

  void emit(Direction dir, ProtocolSink& sink) {
    tx_.tx_id = next_tx_++;
    sink.emit(dir, tx_);
  }

  PluginStreamBuffers stream_;
  RdpMessage message_;
  RdpTransactionWriter writer_;
  ProtocolTransaction tx_;
  ProtocolChange change_;
  bool confirmed_ = false;
  bool security_selected_ = false;  // the confirm chose TLS or CredSSP: a TLS handshake follows
  bool done_ = false;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult RdpProtocol::probe(uint8_t, Direction dir, const uint8_t* data, size_t len) const {
  if (len < RdpMessageDecoder::kTpktHeader + 2) return ProbeResult::Unsure;
  if (RdpMessageDecoder::tpktLength(data, len) == 0) return ProbeResult::NoMatch;
  const uint8_t code = data[RdpMessageDecoder::kTpktHeader + 1] & 0xf0;
  const uint8_t expected = dir == Direction::ToServer ? kX224ConnectionRequest : kX224ConnectionConfirm;
  return code == expected ? ProbeResult::Match : ProbeResult::NoMatch;
}

// The parser (its message with its channel names, writer and transaction) and what its EVE
// writer keeps for a usual message; the stream buffers charge themselves as they grow.
size_t RdpProtocol::parserBytes() const { return sizeof(RdpFlowParser) + 2048; }

std::unique_ptr<AppProtocolParser> RdpProtocol::newParser(uint8_t, AppMemory* memory) const {
  return std::make_unique<RdpFlowParser>(memory);
}

}  // namespace mamori
