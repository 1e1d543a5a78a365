#include "tools/demogen/tls_session.h"

#include <initializer_list>

#include "tools/demogen/wire_format.h"

namespace mamori::demogen {
namespace {

constexpr uint8_t kHandshake = 0x16;
constexpr uint8_t kChangeCipherSpec = 0x14;
constexpr uint8_t kApplicationData = 0x17;
constexpr uint16_t kX25519 = 0x001d;
// AEAD records carry the real content type and a 16-byte tag beyond the plaintext.
constexpr size_t kAeadOverhead = 1 + 16;

void putU24(Bytes& out, size_t value) {
  out.push_back(static_cast<uint8_t>(value >> 16));
  putU16(out, static_cast<uint16_t>(value));
}

void putU16s(Bytes& out, std::initializer_list<uint16_t> values) {
  for (uint16_t value : values) putU16(out, value);
}

void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

Bytes withU16Length(const Bytes& body) {
  Bytes out;
  putU16(out, static_cast<uint16_t>(body.size()));
  append(out, body);
  return out;
}

void extension(Bytes& out, uint16_t type, const Bytes& body) {
  putU16(out, type);
  append(out, withU16Length(body));
}

Bytes record(uint8_t contentType, uint16_t version, const Bytes& body) {
  Bytes out{contentType};
  putU16(out, version);
  append(out, withU16Length(body));
  return out;
}

Bytes handshakeMessage(uint8_t type, const Bytes& body) {
  Bytes out{type};
  putU24(out, body.size());
  append(out, body);
  return out;
}

}  // namespace

TlsSession::TlsSession(Rng& rng, std::string serverName) : rng_(rng), serverName_(std::move(serverName)) {
  rng_.fill(sessionId_.data(), sessionId_.size());
}

Bytes TlsSession::clientHello() const {
  Bytes body;
  putU16(body, 0x0303);
  Bytes random(32);
  rng_.fill(random.data(), random.size());
  append(body, random);
  body.push_back(static_cast<uint8_t>(sessionId_.size()));
  body.insert(body.end(), sessionId_.begin(), sessionId_.end());
  Bytes suites;
  putU16s(suites, {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
                   0x009c, 0x009d, 0x002f, 0x0035});
  append(body, withU16Length(suites));
  body.insert(body.end(), {1, 0});

  Bytes extensions;
  Bytes hostName{0};
  putU16(hostName, static_cast<uint16_t>(serverName_.size()));
  hostName.insert(hostName.end(), serverName_.begin(), serverName_.end());
  extension(extensions, 0x0000, withU16Length(hostName));
  extension(extensions, 0x0017, {});
  extension(extensions, 0xff01, {0});
  Bytes groups;
  putU16s(groups, {kX25519, 0x0017, 0x0018});
  extension(extensions, 0x000a, withU16Length(groups));
  extension(extensions, 0x000b, {1, 0});
  extension(extensions, 0x0023, {});
  Bytes protocols{2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  extension(extensions, 0x0010, withU16Length(protocols));
  extension(extensions, 0x0005, {1, 0, 0, 0, 0});
  Bytes algorithms;
  putU16s(algorithms, {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601});
  extension(extensions, 0x000d, withU16Length(algorithms));
  Bytes share;
  putU16(share, kX25519);
  Bytes key(32);
  rng_.fill(key.data(), key.size());
  append(share, withU16Length(key));
  extension(extensions, 0x0033, withU16Length(share));
  extension(extensions, 0x002d, {1, 1});
  extension(extensions, 0x002b, {4, 0x03, 0x04, 0x03, 0x03});
  append(body, withU16Length(extensions));

  // The record layer says TLS 1.0 in a first ClientHello, as browsers do for old middleboxes.
  return record(kHandshake, 0x0301, handshakeMessage(1, body));
}

Bytes TlsSession::serverFlight(size_t certificateChainBytes) {
  Bytes body;
  putU16(body, 0x0303);
  Bytes random(32);
  rng_.fill(random.data(), random.size());
  append(body, random);
  body.push_back(static_cast<uint8_t>(sessionId_.size()));
  body.insert(body.end(), sessionId_.begin(), sessionId_.end());
  putU16(body, 0x1301);
  body.push_back(0);
  Bytes extensions;
  extension(extensions, 0x002b, {0x03, 0x04});
  Bytes share;
  putU16(share, kX25519);
  Bytes key(32);
  rng_.fill(key.data(), key.size());
  append(share, withU16Length(key));
  extension(extensions, 0x0033, share);
  append(body, withU16Length(extensions));

  Bytes flight = record(kHandshake, 0x0303, handshakeMessage(2, body));
  append(flight, record(kChangeCipherSpec, 0x0303, {1}));
  append(flight, applicationData(certificateChainBytes));
  return flight;
}

Bytes TlsSession::clientFinished() {
  Bytes flight = record(kChangeCipherSpec, 0x0303, {1});
  append(flight, applicationData(36));  // Finished with a SHA-256 verify_data
  return flight;
}

Bytes TlsSession::applicationData(size_t plaintextBytes) {
  Bytes sealed(plaintextBytes + kAeadOverhead);
  rng_.fill(sealed.data(), sealed.size());
  return record(kApplicationData, 0x0303, sealed);
}

Bytes TlsSession::closeNotify() { return applicationData(2); }

}  // namespace mamori::demogen
