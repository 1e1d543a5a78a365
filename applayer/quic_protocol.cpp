#include "applayer/quic_protocol.h"

#include <cstring>
#include <vector>

#include "applayer/byte_reader.h"
#include "applayer/gquic_hello.h"
#include "applayer/quic_crypto_stream.h"
#include "applayer/quic_initial_keys.h"
#include "applayer/quic_packet_header.h"
#include "applayer/quic_transaction_writer.h"
#include "applayer/tls_handshake.h"
#include "applayer/tls_hello_decoder.h"

namespace mamori {
namespace {

using E = AppLayerEvent;

constexpr uint8_t kPadding = 0x00, kPing = 0x01, kAck = 0x02, kAckEcn = 0x03, kCrypto = 0x06,
                  kGquicCryptoStream = 0x08, kClose = 0x1c, kCloseApp = 0x1d;
constexpr uint8_t kTlsClientHello = 1, kTlsServerHello = 2;
constexpr uint8_t kGquicStream = 0x80;
// gQUIC's handshake runs on stream 1.
constexpr uint64_t kGquicCryptoStreamId = 1;
// A datagram is at most this (IPv6 jumbograms aside, which QUIC does not use).
constexpr size_t kMaxDatagram = 65535;

size_t side(Direction dir) { return static_cast<size_t>(dir); }

// A known version: a sensor claims no UDP flow on a first byte alone.
bool knownVersion(uint32_t version) {
  return version == 1 || (version >> 8) == 0xff0000 || isQuicV2(version) || isGoogleQuicVersion(version);
}

class QuicFlowParser final : public AppProtocolParser {
 public:
  explicit QuicFlowParser(AppMemory* memory) : crypto_{QuicCryptoStream(memory), QuicCryptoStream(memory)} {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    const size_t s = side(dir);
    if (!len || len > kMaxDatagram) return;
    if (rekey_ && dir == Direction::ToServer) rekey(data, len);
    if (done_[s]) return;
    // A short header (fixed bit, no long-header bit) ends the cheap way: nothing to read.
    if ((data[0] & 0xc0) == 0x40) return;
    // Header protection and decryption work in place, on a copy the parser keeps.
    datagram_.assign(data, data + len);
    size_t at = 0;
    while (at < len && !done_[s]) {
      QuicPacketHeader h;
      if (!parseQuicPacketHeader(datagram_.data() + at, len - at, h)) {
        if (at == 0) sink.malformed();
        return;
      }
      if (h.type == QuicPacketType::Short) return;
      packet(dir, h, datagram_.data() + at, sink);
      at += h.packet_len;
    }
  }

  void onGap(Direction) override {}
  void onEnd(ProtocolSink&) override {}

 private:
  void packet(Direction dir, const QuicPacketHeader& h, uint8_t* p, ProtocolSink& sink) {
    const size_t s = side(dir);
    record_.clear();
    record_.version = h.version;
    record_.server = dir == Direction::ToClient;
    events_.reset();
    if (h.type == QuicPacketType::Initial) initial(dir, h, p);
    // RFC 9000 17.2.5: after a Retry the client starts over with the connection id the server
    // chose, and the Initial keys of both sides follow it.
    if (h.type == QuicPacketType::Retry && dir == Direction::ToClient) rekey_ = true;
    writer_.write(record_, tx_);
    tx_.events = events_;
    tx_.tx_id = next_tx_++;
    sink.emit(dir, tx_);
    if (events_.any()) sink.malformed();
    if (++records_[s] >= QuicProtocol::kMaxRecords) finish(s);
  }

  // The client's first Initial after a Retry: the keys from its new Destination Connection ID.
  void rekey(const uint8_t* data, size_t len) {
    QuicPacketHeader h;
    if (!parseQuicPacketHeader(data, len, h) || h.type != QuicPacketType::Initial || h.clear) return;
    keys_ready_ = keys_.derive(h.version, h.dcid, h.dcid_len);
    rekey_ = false;
  }

  void initial(Direction dir, const QuicPacketHeader& h, uint8_t* p) {
    const size_t s = side(dir);
    if (h.clear) {
      if (!clearFrames(s, h, p + h.pn_offset, h.packet_len - h.pn_offset)) raise(events_, E::QuicErrorOnData);
      return;
    }
    if (!keys_ready_ && dir == Direction::ToServer) keys_ready_ = keys_.derive(h.version, h.dcid, h.dcid_len);
    const uint8_t* frames = nullptr;
    size_t frames_len = 0;
    if (!keys_ready_ ||
        !keys_.open(dir == Direction::ToServer ? keys_.client() : keys_.server(), p, h.packet_len, h.pn_offset,
                    frames, frames_len)) {
      raise(events_, E::QuicFailedDecrypt);
      return;
    }
    if (!protectedFrames(s, h.version, frames, frames_len)) raise(events_, E::QuicErrorOnData);
  }

  // RFC 9000 19: the frames an Initial packet may carry. False when one does not parse.
  bool protectedFrames(size_t s, uint32_t version, const uint8_t* data, size_t len) {
    ByteReader r(data, len);
    bool crypto = false;
    while (r.left() && r.ok()) {
      const uint64_t type = r.varint();
      switch (type) {
        case kPadding:
        case kPing: break;
        case kAck:
        case kAckEcn: {
          r.varint();
          r.varint();
          const uint64_t ranges = r.varint();
          r.varint();
          for (uint64_t i = 0; i < ranges && r.ok(); ++i) {
            r.varint();
            r.varint();
          }
          if (type == kAckEcn) {
            r.varint();
            r.varint();
            r.varint();
          }
          break;
        }
        case kCrypto:
        case kGquicCryptoStream: {
          const uint64_t offset = type == kCrypto ? r.varint() : 0;
          if (type == kGquicCryptoStream) r.varint();
          ByteReader piece = r.sub(r.varint());
          if (!r.ok()) return false;
          if (!crypto_[s].add(offset, piece.data(), piece.left())) {
            raise(events_, E::QuicCryptoFragTooLong);
            finish(s);
            return true;
          }
          crypto = true;
          break;
        }
        case kClose:
        case kCloseApp:
          r.varint();
          if (type == kClose) r.varint();
          r.skip(r.varint());
          break;
        default:
          // A frame an Initial does not carry: what follows cannot be delimited.
          r = ByteReader();
          break;
      }
    }
    if (!r.ok()) return false;
    return !crypto || hello(s, version);
  }

  // gQUIC's clear frames: its handshake is the CHLO on stream 1. False when a frame does not parse.
  bool clearFrames(size_t s, const QuicPacketHeader& h, const uint8_t* data, size_t len) {
    ByteReader r(data, len);
    while (r.left()) {
      const uint8_t type = r.u8();
      if (type == kPadding || !(type & kGquicStream)) return true;  // padding, or a frame not read
      const bool has_length = type & 0x20;
      const size_t offset_len = (type >> 2 & 0x07) ? (type >> 2 & 0x07) + 1 : 0;
      const size_t id_len = (type & 0x03) + 1;
      uint64_t id = 0;
      for (size_t i = 0; i < id_len; ++i) id |= static_cast<uint64_t>(r.u8()) << (8 * i);
      r.skip(offset_len);
      size_t length = r.left();
      if (has_length) {
        const uint8_t a = r.u8(), b = r.u8();
        // Before Q039 gQUIC's numbers are little-endian.
        length = isLittleEndian(h.version) ? (a | b << 8) : (a << 8 | b);
      }
      ByteReader body = r.sub(length);
      if (!r.ok()) return false;
      if (id == kGquicCryptoStreamId && decodeGquicHello(body.data(), body.left(), chlo_)) {
        gquicHello(s, h.version);
        return true;
      }
    }
    return r.ok();
  }

  static bool isLittleEndian(uint32_t version) { return version >> 24 == 'Q' && googleQuicNumber(version) < 39; }

  void gquicHello(size_t s, uint32_t version) {
    record_.sni = chlo_.sni;
    record_.ua = chlo_.ua;
    gquicCyu(version, chlo_, record_.cyu_string, record_.cyu_hash);
    finish(s);
  }

  // The direction's CRYPTO data so far: a hello once it is whole. False when it is none.
  bool hello(size_t s, uint32_t version) {
    if (isGoogleQuicVersion(version) && version >> 24 == 'Q') {
      const std::string_view whole = crypto_[s].prefix();
      if (decodeGquicHello(reinterpret_cast<const uint8_t*>(whole.data()), whole.size(), chlo_)) gquicHello(s, version);
      return true;
    }
    uint8_t type = 0;
    const uint8_t* body = nullptr;
    size_t len = 0;
    if (!crypto_[s].message(type, body, len)) return true;
    const bool client = s == side(Direction::ToServer);
    hs_.clear();
    bool ok = false;
    if (client && type == kTlsClientHello) {
      ok = decodeClientHello(body, len, Ja4Fingerprint::Transport::Quic, hs_, events_, &record_.extensions);
      record_.ja3_string = hs_.ja3_string;
      record_.ja3_hash = hs_.ja3_hash;
      record_.ja4_hash = hs_.ja4_hash;
      record_.sni = hs_.sni;
    } else if (!client && type == kTlsServerHello) {
      ok = decodeServerHello(body, len, hs_, &record_.extensions);
      record_.ja3_string = hs_.ja3s_string;
      record_.ja3_hash = hs_.ja3s_hash;
    }
    finish(s);
    return ok;
  }

  void finish(size_t s) {
    done_[s] = true;
    crypto_[s].release();
    if (done_[0] && done_[1]) std::vector<uint8_t>().swap(datagram_);
  }

  QuicCryptoStream crypto_[2];
  QuicInitialKeys keys_;
  bool keys_ready_ = false;
  bool rekey_ = false;
  bool done_[2] = {false, false};
  size_t records_[2] = {0, 0};
  std::vector<uint8_t> datagram_;
  GquicHello chlo_;
  TlsHandshake hs_;
  AppLayerEventSet events_;
  QuicPacketRecord record_;
  QuicTransactionWriter writer_;
  ProtocolTransaction tx_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult QuicProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  QuicPacketHeader h;
  if (!parseQuicPacketHeader(data, len, h) || h.type == QuicPacketType::Short) return ProbeResult::NoMatch;
  return knownVersion(h.version) ? ProbeResult::Match : ProbeResult::NoMatch;
}

// The parser with its keys, record and writer, and a datagram's copy; CRYPTO data charges
// itself as it comes.
size_t QuicProtocol::parserBytes() const { return sizeof(QuicFlowParser) + 2048; }

std::unique_ptr<AppProtocolParser> QuicProtocol::newParser(uint8_t, AppMemory* memory) const {
  return std::make_unique<QuicFlowParser>(memory);
}

}  // namespace mamori
