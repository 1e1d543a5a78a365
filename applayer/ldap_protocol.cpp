#include "applayer/ldap_protocol.h"

#include <array>
#include <cstdint>

#include "applayer/ldap_message_decoder.h"
#include "applayer/ldap_transaction_writer.h"
#include "applayer/plugin_stream_buffers.h"

namespace mamori {
namespace {

class LdapFlowParser final : public AppProtocolParser {
 public:
  LdapFlowParser(uint8_t transport, AppMemory* memory)
      : datagrams_(transport == AppProtocol::kUdp), stream_(memory, LdapProtocol::kMaxMessage) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (encrypted_) return;
    if (datagrams_) {
      message(dir, data, len, sink);
      return;
    }
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
  }

  void onGap(Direction dir) override { stream_.onGap(dir); }

  void onEnd(ProtocolSink& sink) override {
    for (size_t i = 0; i < open_count_; ++i) write(open_[i], sink);
    open_count_ = 0;
  }

 private:
  void message(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    if (!LdapMessageDecoder::decode(data, len, message_)) {
      sink.malformed();
      return;
    }
    if (ldapIsRequest(message_.operation)) {
      LdapOpenTransaction& open = opened(message_.message_id, sink);
      open.request_dir = dir;
      writer_.request(message_, open, record_);
      sink.emit(dir, record_);
      if (record_.logged) close(open);
      return;
    }
    LdapOpenTransaction* open = find(message_.message_id);
    if (!open) {
      open = &opened(message_.message_id, sink);
      open->request_dir = opposite(dir);
    }
    writer_.response(message_, *open, LdapProtocol::kMaxHeld);
    if (!ldapEndsRequest(message_.operation)) return;
    // After a StartTLS that succeeded, both sides speak TLS: nothing more is LDAP.
    if (open->starttls && message_.result_code == 0) encrypted_ = true;
    write(*open, sink);
    close(*open);
  }

  // Decodes the whole messages at the start of `data`; how many bytes they took. A message
  // that is not a BER SEQUENCE, or longer than kMaxMessage, gives up on the direction.
  size_t consume(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    size_t at = 0;
    while (at < len && !encrypted_) {
      const size_t length = LdapMessageDecoder::elementLength(data + at, len - at, LdapProtocol::kMaxMessage);
      if (length == SIZE_MAX) {
        stream_.giveUp(dir, sink);
        return at;
      }
      if (length == 0 || len - at < length) return at;
      message(dir, data + at, length, sink);
      at += length;
    }
    return encrypted_ ? len : at;
  }

  LdapOpenTransaction* find(uint32_t message_id) {
    for (size_t i = 0; i < open_count_; ++i) {
      if (open_[i].message_id == message_id) return &open_[i];
    }
    return nullptr;
  }

  // A new transaction for `message_id`; when kMaxOpen are open, the oldest is written first.
  LdapOpenTransaction& opened(uint32_t message_id, ProtocolSink& sink) {
    if (open_count_ == open_.size()) {
      write(open_[0], sink);
      close(open_[0]);
    }
    LdapOpenTransaction& open = open_[open_count_++];
    open.clear();
    open.message_id = message_id;
    open.tx_id = next_tx_++;
    return open;
  }

  void write(const LdapOpenTransaction& open, ProtocolSink& sink) {
    record_.clear();
    writer_.finish(open, record_);
    // The record goes the way its last message did: a response's, or an unanswered request's.
    sink.emit(open.count ? opposite(open.request_dir) : open.request_dir, record_);
  }

  // Frees `open`'s slot, keeping the others in the order they opened (and their storage
  // for reuse).
  void close(LdapOpenTransaction& open) {
    size_t i = static_cast<size_t>(&open - open_.data());
    for (; i + 1 < open_count_; ++i) std::swap(open_[i], open_[i + 1]);
    --open_count_;
  }

  const bool datagrams_;
  bool encrypted_ = false;
  PluginStreamBuffers stream_;
  std::array<LdapOpenTransaction, LdapProtocol::kMaxOpen> open_;
  size_t open_count_ = 0;
  LdapMessage message_;
  LdapTransactionWriter writer_;
  ProtocolTransaction record_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult LdapProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  return LdapMessageDecoder::probe(data, len, kMaxMessage);
}

// The parser, its open transactions' storage at their bound, and its EVE writer's; the
// TCP buffers charge themselves as they grow.
size_t LdapProtocol::parserBytes() const { return sizeof(LdapFlowParser) + kMaxOpen * 2 * kMaxHeld + 2048; }

std::unique_ptr<AppProtocolParser> LdapProtocol::newParser(uint8_t transport, AppMemory* memory) const {
  return std::make_unique<LdapFlowParser>(transport, memory);
}

}  // namespace mamori
