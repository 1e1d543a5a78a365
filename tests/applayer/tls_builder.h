#pragma once
// Hand-built TLS bytes for the parser tests: each function returns one layer with its
// contents appended and its lengths filled in, so a test reads outermost first, e.g.
//   record(22, handshake(1, clientHello({...})))
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mamori::test::tls {

using Bytes = std::vector<uint8_t>;

inline void put8(Bytes& b, unsigned v) { b.push_back(static_cast<uint8_t>(v)); }
inline void put16(Bytes& b, unsigned v) {
  put8(b, v >> 8);
  put8(b, v);
}
inline void put24(Bytes& b, unsigned v) {
  put8(b, v >> 16);
  put16(b, v);
}
inline void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
inline void append(Bytes& b, const std::string& more) { b.insert(b.end(), more.begin(), more.end()); }

template <typename... More>
Bytes cat(Bytes first, const More&... more) {
  (append(first, more), ...);
  return first;
}

inline Bytes record(uint8_t type, const Bytes& body, uint16_t version = 0x0303) {
  Bytes b;
  put8(b, type);
  put16(b, version);
  put16(b, static_cast<unsigned>(body.size()));
  append(b, body);
  return b;
}

// `data` cut into records of at most `piece` bytes each.
inline Bytes records(uint8_t type, const Bytes& data, size_t piece) {
  Bytes b;
  for (size_t at = 0; at < data.size(); at += piece)
    append(b, record(type, Bytes(data.begin() + at, data.begin() + std::min(data.size(), at + piece))));
  return b;
}

inline Bytes handshake(uint8_t type, const Bytes& body) {
  Bytes b;
  put8(b, type);
  put24(b, static_cast<unsigned>(body.size()));
  append(b, body);
  return b;
}

struct Extension {
  uint16_t type;
  Bytes body;
};

inline Bytes extensions(const std::vector<Extension>& exts) {
  Bytes inner;
  for (const Extension& e : exts) {
    put16(inner, e.type);
    put16(inner, static_cast<unsigned>(e.body.size()));
    append(inner, e.body);
  }
  Bytes b;
  put16(b, static_cast<unsigned>(inner.size()));
  append(b, inner);
  return b;
}

inline Bytes clientHello(uint16_t version, const std::vector<uint16_t>& ciphers, const std::vector<Extension>& exts) {
  Bytes b;
  put16(b, version);
  b.insert(b.end(), 32, 0x11);  // random
  put8(b, 32);
  b.insert(b.end(), 32, 0x22);  // session id
  put16(b, static_cast<unsigned>(ciphers.size() * 2));
  for (uint16_t c : ciphers) put16(b, c);
  put8(b, 1);
  put8(b, 0);  // compression: null
  if (!exts.empty()) append(b, extensions(exts));
  return b;
}

inline Bytes serverHello(uint16_t version, uint16_t cipher, const std::vector<Extension>& exts) {
  Bytes b;
  put16(b, version);
  b.insert(b.end(), 32, 0x33);
  put8(b, 0);  // session id
  put16(b, cipher);
  put8(b, 0);
  if (!exts.empty()) append(b, extensions(exts));
  return b;
}

inline Bytes certificateMessage(const std::vector<Bytes>& ders) {
  Bytes list;
  for (const Bytes& d : ders) {
    put24(list, static_cast<unsigned>(d.size()));
    append(list, d);
  }
  Bytes b;
  put24(b, static_cast<unsigned>(list.size()));
  append(b, list);
  return b;
}

inline Extension sni(const std::string& name) {
  Bytes entry;
  put8(entry, 0);
  put16(entry, static_cast<unsigned>(name.size()));
  append(entry, name);
  Bytes b;
  put16(b, static_cast<unsigned>(entry.size()));
  append(b, entry);
  return {0, b};
}

inline Extension alpn(const std::vector<std::string>& protocols) {
  Bytes list;
  for (const std::string& p : protocols) {
    put8(list, static_cast<unsigned>(p.size()));
    append(list, p);
  }
  Bytes b;
  put16(b, static_cast<unsigned>(list.size()));
  append(b, list);
  return {16, b};
}

inline Extension u16List(uint16_t type, const std::vector<uint16_t>& values) {
  Bytes b;
  put16(b, static_cast<unsigned>(values.size() * 2));
  for (uint16_t v : values) put16(b, v);
  return {type, b};
}

inline Extension pointFormats(const std::vector<uint8_t>& formats) {
  Bytes b;
  put8(b, static_cast<unsigned>(formats.size()));
  append(b, Bytes(formats.begin(), formats.end()));
  return {11, b};
}

inline Extension clientVersions(const std::vector<uint16_t>& versions) {
  Bytes b;
  put8(b, static_cast<unsigned>(versions.size() * 2));
  for (uint16_t v : versions) put16(b, v);
  return {43, b};
}

inline Extension serverVersion(uint16_t version) {
  Bytes b;
  put16(b, version);
  return {43, b};
}

inline Extension empty(uint16_t type) { return {type, {}}; }

}  // namespace mamori::test::tls
