#include "applayer/tls_parser.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "applayer/byte_reader.h"
#include "applayer/tls_certificate_decoder.h"
#include "applayer/tls_hello_decoder.h"

namespace mamori {
namespace {

constexpr uint8_t kChangeCipherSpec = 20, kHandshake = 22, kApplicationData = 23, kHeartbeat = 24;
constexpr uint8_t kMsgClientHello = 1, kMsgServerHello = 2, kMsgCertificate = 11;
constexpr uint16_t kTls13 = 0x0304;
// RFC 5246 6.2.3: a record's fragment is at most 2^14 bytes plus 2048 of cipher expansion.
constexpr size_t kMaxRecordBody = (1 << 14) + 2048;
// More records than this in one piece of stream data is an anomaly (Suricata's limit).
constexpr uint32_t kMaxRecordsPerData = 255;
constexpr uint8_t kHeartbeatRequest = 1, kHeartbeatResponse = 2;
// RFC 6520 4: a heartbeat carries at least 16 bytes of padding.
constexpr size_t kMinHeartbeatPadding = 16;

using E = AppLayerEvent;

// Handshake message types of TLS 1.2 and before (RFC 5246, 6066, 5077); any other in the
// clear is no handshake message at all.
bool knownHandshakeType(uint8_t type) {
  static constexpr uint8_t kTypes[] = {0, 1, 2, 4, 11, 12, 13, 14, 15, 16, 20, 21, 22};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

// One DER header at p: false when its tag and length bytes do not fit in n.
bool derHeader(const uint8_t* p, size_t n, size_t& header, size_t& length) {
  if (n < 2) return false;
  length = p[1];
  header = 2;
  if (length & 0x80) {
    const size_t octets = length & 0x7f;
    if (octets == 0 || octets > 4 || n < 2 + octets) return false;
    length = 0;
    for (size_t i = 0; i < octets; ++i) length = length << 8 | p[2 + i];
    header += octets;
  }
  return true;
}

}  // namespace

TlsParserCounters& TlsParserCounters::operator+=(const TlsParserCounters& o) {
  records += o.records;
  handshakes += o.handshakes;
  sslv2_hellos += o.sslv2_hellos;
  truncated += o.truncated;
  malformed += o.malformed;
  oversized += o.oversized;
  memcap += o.memcap;
  bad_certificates += o.bad_certificates;
  not_tls += o.not_tls;
  return *this;
}

uint8_t TlsParser::onData(Direction dir, const uint8_t* data, size_t len) {
  Side& s = side(dir);
  uint8_t events = 0;
  records_this_call_ = 0;
  while (len && s.state != State::Stopped) {
    if (s.record_left == 0) {
      const size_t take = std::min<size_t>(sizeof s.header - s.header_len, len);
      std::memcpy(s.header + s.header_len, data, take);
      s.header_len += static_cast<uint8_t>(take);
      data += take;
      len -= take;
      if (s.header_len < sizeof s.header) break;
      s.header_len = 0;
      if (!startRecord(s, dir, events)) break;
      continue;
    }
    const size_t take = std::min<size_t>(s.record_left, len);
    if (s.content_type == kHandshake) consumeHandshake(s, dir, data, take, events);
    if (s.content_type == kHeartbeat) consumeHeartbeat(s, data, take);
    s.record_left -= static_cast<uint32_t>(take);
    data += take;
    len -= take;
  }
  return events;
}

void TlsParser::onGap(Direction dir) {
  Side& s = side(dir);
  if (s.state == State::Stopped) return;
  ++counters_.truncated;
  stop(s);
}

bool TlsParser::startRecord(Side& s, Direction dir, uint8_t& events) {
  const uint8_t* h = s.header;
  const bool first = s.state == State::Start;

  // SSLv2-compatible ClientHello (old clients, scanners): 2-byte length with the top bit
  // set, message type 1, then the highest version the client speaks. Its cipher specs are
  // 3 bytes wide and JA3 is not defined on it, so only the version is taken.
  if (first && dir == Direction::ToServer && (h[0] & 0x80) && h[2] == kMsgClientHello &&
      ((h[3] == 0 && h[4] == 2) || (h[3] == 3 && h[4] <= 3))) {
    const uint32_t length = (h[0] & 0x7fu) << 8 | h[1];
    if (length >= 3) {
      ++counters_.sslv2_hellos;
      s.state = State::Records;
      s.content_type = 0;  // body skipped
      s.record_left = length - 3;
      if (!hs_.client_hello) {
        hs_.client_hello = true;
        hs_.client_version = static_cast<uint16_t>(h[3] << 8 | h[4]);
        events |= kClientHello;
      }
      return true;
    }
  }

  const uint8_t type = h[0];
  const uint32_t length = static_cast<uint32_t>(h[3]) << 8 | h[4];
  const bool type_ok = type >= kChangeCipherSpec && type <= kHeartbeat;
  const bool version_ok = h[1] == 3 && h[2] <= 4;
  const bool valid = type_ok && version_ok && length <= kMaxRecordBody;
  if (!valid) {
    if (tls_seen_) raise(events_, !type_ok ? E::TlsInvalidRecordType : !version_ok ? E::TlsInvalidRecordVersion
                                                                                 : E::TlsInvalidRecordLength);
    if (first && !tls_seen_) {
      // Not TLS at all: nothing to count against the parser, the flow simply is not ours.
      counters_.not_tls = 1;
      stop(sides_[0]);
      stop(sides_[1]);
    } else {
      ++counters_.malformed;
      stop(s);
    }
    return false;
  }

  ++counters_.records;
  if (++records_this_call_ == kMaxRecordsPerData + 1) raise(events_, E::TlsTooManyRecordsInPacket);
  tls_seen_ = true;
  s.state = State::Records;
  if (type == kChangeCipherSpec || type == kApplicationData) {
    stop(s);  // everything after is encrypted
    return false;
  }
  s.content_type = type;  // alerts are skipped
  s.record_left = length;
  s.record_length = static_cast<uint16_t>(length);
  if (type == kHandshake && length < 4) raise(events_, E::TlsInvalidSslRecord);
  if (type == kHeartbeat) {
    raise(events_, E::TlsHeartbeatMessage);
    s.heartbeat_len = 0;
  }
  return true;
}

// A heartbeat in the clear (the handshake is not over): its type, and its payload length
// against the record's, the check CVE-2014-0160 (Heartbleed) needs.
void TlsParser::consumeHeartbeat(Side& s, const uint8_t* data, size_t len) {
  if (s.heartbeat_len >= sizeof s.heartbeat) return;
  const size_t k = std::min(sizeof s.heartbeat - s.heartbeat_len, len);
  std::memcpy(s.heartbeat + s.heartbeat_len, data, k);
  s.heartbeat_len += static_cast<uint8_t>(k);
  if (s.heartbeat_len < sizeof s.heartbeat) return;
  const uint8_t type = s.heartbeat[0];
  const size_t payload = size_t{s.heartbeat[1]} << 8 | s.heartbeat[2];
  if (type != kHeartbeatRequest && type != kHeartbeatResponse) {
    raise(events_, E::TlsInvalidHeartbeatMessage);
  } else if (payload + 3 > s.record_length) {
    raise(events_, E::TlsOverflowHeartbeatMessage);
  } else if (s.record_length - payload - 3 < kMinHeartbeatPadding) {
    raise(events_, E::TlsInvalidHeartbeatMessage);
  }
}

void TlsParser::consumeHandshake(Side& s, Direction dir, const uint8_t* data, size_t len, uint8_t& events) {
  while (len) {
    if (s.skip) {
      const size_t k = std::min<size_t>(s.skip, len);
      s.skip -= static_cast<uint32_t>(k);
      data += k;
      len -= k;
      continue;
    }
    std::vector<uint8_t>& m = s.messages.bytes();
    const size_t k = std::min(kMaxHandshakeBytes - m.size(), len);
    if (!s.messages.reserve(m.size() + k, kMaxHandshakeBytes)) {
      ++counters_.memcap;
      stop(s);
      return;
    }
    m.insert(m.end(), data, data + k);
    data += k;
    len -= k;
    const bool whole = drainMessages(s, dir, events);
    chargeHandshake();
    if (!whole) {
      s.content_type = 0;  // the rest of the record is skipped
      return;
    }
  }
}

void TlsParser::chargeHandshake() {
  if (!memory_) return;
  const size_t bytes = hs_.heapBytes();
  if (bytes > charged_) memory_->charge(bytes - charged_);
  else memory_->give(charged_ - bytes);
  charged_ = bytes;
}

bool TlsParser::drainMessages(Side& s, Direction dir, uint8_t& events) {
  std::vector<uint8_t>& m = s.messages.bytes();
  size_t pos = 0;
  while (m.size() - pos >= 4) {
    const uint8_t type = m[pos];
    if (!knownHandshakeType(type)) {
      // Its length cannot be trusted either: what follows in the record is dropped.
      raise(events_, E::TlsInvalidHandshakeMessage);
      ++counters_.malformed;
      m.clear();
      return false;
    }
    const size_t body_len = size_t{m[pos + 1]} << 16 | size_t{m[pos + 2]} << 8 | m[pos + 3];
    const size_t avail = m.size() - pos - 4;
    if (body_len <= avail) {
      ++counters_.handshakes;
      onMessage(dir, type, m.data() + pos + 4, body_len, true, events);
      pos += 4 + body_len;
      continue;
    }
    // A message that cannot fit even an empty buffer: once it fills the buffer, take
    // what is there and skip the rest as it streams past.
    if (4 + body_len > kMaxHandshakeBytes && pos == 0 && m.size() == kMaxHandshakeBytes) {
      ++counters_.handshakes;
      ++counters_.oversized;
      onMessage(dir, type, m.data() + 4, avail, false, events);
      s.skip = static_cast<uint32_t>(body_len - avail);
      pos = m.size();
    }
    break;
  }
  m.erase(m.begin(), m.begin() + static_cast<ptrdiff_t>(pos));
  return true;
}

void TlsParser::onMessage(Direction dir, uint8_t type, const uint8_t* body, size_t len, bool complete,
                          uint8_t& events) {
  // Only the first of each counts: a repeated hello in clear is a retry or an anomaly,
  // and the first is what the connection was set up with.
  if (dir == Direction::ToServer) {
    if (type != kMsgClientHello || hs_.client_hello || !complete) return;
    if (decodeClientHello(body, len, Ja4Fingerprint::Transport::Tcp, hs_, events_)) {
      events |= kClientHello;
    } else {
      ++counters_.malformed;
      raise(events_, E::TlsHandshakeInvalidLength);
    }
    return;
  }
  if (type == kMsgServerHello && !hs_.server_hello && complete) {
    if (decodeServerHello(body, len, hs_)) {
      events |= kServerHello;
    } else {
      ++counters_.malformed;
      raise(events_, E::TlsHandshakeInvalidLength);
    }
  } else if (type == kMsgCertificate && !hs_.certificates_seen && hs_.version != kTls13) {
    if (!parseCertificates(body, len, complete)) ++counters_.malformed;
    if (hs_.certificates_seen) events |= kCertificates;
  }
}

bool TlsParser::parseCertificates(const uint8_t* body, size_t len, bool complete) {
  ByteReader r(body, len);
  const uint32_t declared = r.u24();
  if (!r.ok() || (complete && declared != r.left())) return false;
  ByteReader list = r.sub(std::min<size_t>(declared, r.left()));
  hs_.certificates_seen = true;
  while (list.left()) {
    const uint32_t n = list.u24();
    if (!list.ok() || n > list.left()) {
      if (complete) raise(events_, E::TlsInvalidCertificate);
      return !complete;  // cut at the buffer cap: keep what came whole
    }
    ByteReader der = list.sub(n);
    // The chain is held for the flow's life (tls.certs, EVE): with the budget spent, the
    // rest of it is not kept.
    if (memory_ && memory_->full()) {
      ++counters_.memcap;
      return true;
    }
    // Only the server's own certificate is named in EVE and by the tls.cert_* buffers;
    // decoding the rest of the chain would cost OpenSSL's time on every handshake.
    TlsCertificate& cert = hs_.certificates.emplace_back();
    if (hs_.certificates.size() > 1) {
      fingerprintTlsCertificate(der.data(), der.left(), cert);
    } else if (!decodeTlsCertificate(der.data(), der.left(), cert)) {
      ++counters_.bad_certificates;
      checkCertificate(der.data(), der.left());
    }
    chargeHandshake();
  }
  return true;
}

// Which event a certificate OpenSSL refused raises, as Suricata's decoder (x509-parser)
// tells them apart: DER that stops short, at the top or inside the header of the
// TBSCertificate, has an invalid length; anything else is an invalid certificate.
void TlsParser::checkCertificate(const uint8_t* der, size_t len) {
  size_t header = 0, length = 0;
  if (!derHeader(der, len, header, length) || header + length > len) {
    raise(events_, E::TlsCertificateInvalidLength);
    return;
  }
  size_t inner_header = 0, inner_length = 0;
  if (der[0] == 0x30 && !derHeader(der + header, length, inner_header, inner_length)) {
    raise(events_, E::TlsCertificateInvalidLength);
    return;
  }
  raise(events_, E::TlsInvalidCertificate);
}

void TlsParser::stop(Side& s) {
  s.state = State::Stopped;
  // A flow can live for hours after its handshake: give the buffer back now.
  s.messages.release();
}

}  // namespace mamori
