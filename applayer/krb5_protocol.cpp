#include "applayer/krb5_protocol.h"

#include <optional>

#include "applayer/krb5_message_decoder.h"
#include "applayer/krb5_transaction_writer.h"
#include "applayer/plugin_stream_buffers.h"

namespace mamori {
namespace {

constexpr size_t kRecordMarker = 4;
constexpr uint32_t kReservedBit = 0x80000000u;

uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}

class Krb5FlowParser final : public AppProtocolParser {
 public:
  Krb5FlowParser(uint8_t transport, AppMemory* memory)
      : datagrams_(transport == AppProtocol::kUdp), stream_(memory, Krb5Protocol::kMaxRecord + kRecordMarker) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (datagrams_) {
      message(dir, data, len, sink);
      return;
    }
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
  }

  void onGap(Direction dir) override { stream_.onGap(dir); }

  void onEnd(ProtocolSink&) override {}

 private:
  // One message: a record for the types Suricata makes transactions of.
  void message(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    if (!Krb5MessageDecoder::decode(data, len, message_)) {
      sink.malformed();
      return;
    }
    std::optional<Krb5MessageType> failed_request;
    switch (message_.type) {
      case Krb5MessageType::AsReq:
      case Krb5MessageType::TgsReq:
      case Krb5MessageType::ApReq:
        request_ = message_.type;
        if (message_.type == Krb5MessageType::ApReq) return;
        break;
      case Krb5MessageType::Error:
        failed_request = request_;
        request_.reset();
        break;
      case Krb5MessageType::AsRep:
      case Krb5MessageType::TgsRep:
        request_.reset();
        break;
      case Krb5MessageType::ApRep:
        request_.reset();
        return;
      case Krb5MessageType::Safe:
      case Krb5MessageType::Priv:
      case Krb5MessageType::Cred:
        return;
    }
    writer_.write(message_, failed_request, tx_);
    tx_.tx_id = next_tx_++;
    sink.emit(dir, tx_);
  }

  // Decodes the whole records at the start of `data`; how many bytes they took. A record
  // marker Kerberos does not send gives up on the direction.
  size_t consume(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    size_t at = 0;
    while (len - at >= kRecordMarker) {
      const uint32_t length = be32(data + at);
      if ((length & kReservedBit) || length > Krb5Protocol::kMaxRecord) {
        stream_.giveUp(dir, sink);
        return at;
      }
      if (len - at - kRecordMarker < length) return at;
      message(dir, data + at + kRecordMarker, length, sink);
      at += kRecordMarker + length;
    }
    return at;
  }

  const bool datagrams_;
  PluginStreamBuffers stream_;
  // The last request of the flow not yet answered, for an error's failed_request.
  std::optional<Krb5MessageType> request_;
  Krb5Message message_;
  Krb5TransactionWriter writer_;
  ProtocolTransaction tx_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult Krb5Protocol::probe(uint8_t transport, Direction, const uint8_t* data, size_t len) const {
  if (transport == kTcp) {
    if (len < kRecordMarker) return ProbeResult::Unsure;
    const uint32_t length = be32(data);
    if ((length & kReservedBit) || length > kMaxRecord) return ProbeResult::NoMatch;
    data += kRecordMarker;
    len -= kRecordMarker;
  }
  switch (Krb5MessageDecoder::looksLikeKrb5(data, len)) {
    case Krb5MessageDecoder::Looks::Krb5: return ProbeResult::Match;
    case Krb5MessageDecoder::Looks::NotKrb5: return ProbeResult::NoMatch;
    case Krb5MessageDecoder::Looks::TooShort: break;
  }
  return ProbeResult::Unsure;
}

// The parser (its message, writer and transaction) and what its EVE writer keeps for a usual
// message; the TCP buffers charge themselves as they grow.
size_t Krb5Protocol::parserBytes() const { return sizeof(Krb5FlowParser) + 2048; }

std::unique_ptr<AppProtocolParser> Krb5Protocol::newParser(uint8_t transport, AppMemory* memory) const {
  return std::make_unique<Krb5FlowParser>(transport, memory);
}

}  // namespace mamori
