#pragma once
// TLS handshake parser for one flow. Consumes: the reassembled, in-order stream data of
// each direction (ToServer = the client), and the gaps in it. Produces: a TlsHandshake
// (hellos, JA3 / JA3S, the server's certificate chain) and events as its parts complete.
//
// The record layer is reassembled per direction: records may arrive in pieces of any
// size, handshake messages may span records or share one. Parsing of a direction stops
// at its ChangeCipherSpec or first application data (what follows is encrypted), at a
// gap (record boundaries are lost), or at a malformed record header. A flow whose first
// bytes in either direction are no TLS record is given up quietly: it is another
// protocol (or a STARTTLS one, whose TLS starts later than this parser looks).
//
// Anomalies are raised as the session's app-layer events (tls.*, Suricata's names): bad
// record headers, handshake message types that do not exist, heartbeats that overrun
// their record (Heartbleed), SNI extensions out of shape, hellos and the server's
// certificate broken.
//
// Memory: each direction buffers at most kMaxHandshakeBytes of handshake messages;
// a longer message (a huge certificate chain) is parsed as far as it fits and the rest
// is skipped. The buffers grow within the worker's AppMemory; a direction whose buffer
// the budget refuses is given up. They are freed when the direction stops. What is kept of
// the handshake for the flow's life (names, fingerprints, the certificate chain's DER) is
// charged to it too, and no further certificate is kept once it is spent.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "applayer/app_layer_event.h"
#include "applayer/app_memory.h"
#include "applayer/tls_handshake.h"
#include "capture/direction.h"

namespace mamori {

struct TlsParserCounters {
  uint64_t records = 0;           // TLS record headers read
  uint64_t handshakes = 0;        // handshake messages complete (or cut at the cap)
  uint64_t sslv2_hellos = 0;      // SSLv2-compatible ClientHellos (recognised, not parsed)
  uint64_t truncated = 0;         // directions that lost data to a gap while still parsing
  uint64_t malformed = 0;         // bad record headers mid-stream, hellos / chains that overrun their length
  uint64_t oversized = 0;         // handshake messages larger than the buffer cap
  uint64_t memcap = 0;            // directions given up or certificate chains cut: the worker's app-layer memory was spent
  uint64_t bad_certificates = 0;  // certificates OpenSSL could not decode
  uint64_t not_tls = 0;           // flows given up because their first bytes were no TLS record

  TlsParserCounters& operator+=(const TlsParserCounters& o);
};

class TlsParser {
 public:
  enum Event : uint8_t { kClientHello = 1, kServerHello = 2, kCertificates = 4 };

  // Enough for real certificate chains (a few KiB each); a message that declares more is
  // cut here rather than held whole.
  static constexpr size_t kMaxHandshakeBytes = 64 << 10;

  // `memory`: the budget the buffers grow in; null for none.
  explicit TlsParser(AppMemory* memory = nullptr) : memory_(memory), sides_{Side(memory), Side(memory)} {}
  ~TlsParser() {
    if (memory_) memory_->give(charged_);
  }

  // In-order stream data of one direction. Returns the events this data completed.
  uint8_t onData(Direction dir, const uint8_t* data, size_t len);
  // A hole in that direction's stream: the record it fell into, and every record after
  // it, can no longer be delimited, so the direction is given up.
  void onGap(Direction dir);

  const TlsHandshake& handshake() const { return hs_; }
  // Nothing more to learn: both directions are encrypted or given up.
  bool done() const { return sides_[0].state == State::Stopped && sides_[1].state == State::Stopped; }
  const TlsParserCounters& counters() const { return counters_; }
  // The session's events so far, and those raised since the last call.
  const AppLayerEventSet& events() const { return events_; }
  AppLayerEventSet takeNewEvents() {
    const AppLayerEventSet fresh = events_ & ~reported_;
    reported_ = events_;
    return fresh;
  }

 private:
  enum class State : uint8_t { Start, Records, Stopped };

  struct Side {
    explicit Side(AppMemory* memory) : messages(memory) {}
    State state = State::Start;
    uint8_t header_len = 0;
    uint8_t header[5] = {};
    uint8_t content_type = 0;
    uint32_t record_left = 0;  // body bytes of the current record still to come
    uint32_t skip = 0;         // bytes of an oversized handshake message still to come
    uint16_t record_length = 0;
    uint8_t heartbeat_len = 0;  // of the 3 bytes of a heartbeat's header gathered so far
    uint8_t heartbeat[3] = {};
    BudgetedBuffer messages;  // handshake bytes not yet parsed as whole messages
  };

  Side& side(Direction dir) { return sides_[static_cast<size_t>(dir)]; }
  bool startRecord(Side& s, Direction dir, uint8_t& events);
  void consumeHandshake(Side& s, Direction dir, const uint8_t* data, size_t len, uint8_t& events);
  // False when the rest of the record is to be skipped (a message type that does not exist).
  bool drainMessages(Side& s, Direction dir, uint8_t& events);
  void consumeHeartbeat(Side& s, const uint8_t* data, size_t len);
  void checkCertificate(const uint8_t* der, size_t len);
  void onMessage(Direction dir, uint8_t type, const uint8_t* body, size_t len, bool complete, uint8_t& events);
  bool parseCertificates(const uint8_t* body, size_t len, bool complete);
  void stop(Side& s);
  // Brings what the handshake is charged up (or down) to what it holds.
  void chargeHandshake();

  AppMemory* const memory_;
  size_t charged_ = 0;
  Side sides_[2];
  bool tls_seen_ = false;  // some record was valid: later garbage is malformed TLS, not another protocol
  uint32_t records_this_call_ = 0;
  AppLayerEventSet events_, reported_;
  TlsHandshake hs_;
  TlsParserCounters counters_;
};

}  // namespace mamori
