#pragma once
// Hand-built frames for the capture tests: each function returns one protocol layer with
// its payload appended, so a test reads outermost first, e.g.
//   ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, tcpflag::Syn, {})))
// Lengths are filled in; checksums are left zero (the decoder does not check them).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capture/ip_address.h"

namespace mamori::test {

using Bytes = std::vector<uint8_t>;

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
inline void put32(Bytes& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}
inline void set16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
inline Bytes filled(size_t n, uint8_t v) { return Bytes(n, v); }
inline Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

inline IpAddress addr(const std::string& s) {
  IpAddress a;
  IpAddress::parse(s, a);
  return a;
}

inline Bytes ethernet(uint16_t type, const Bytes& payload, std::vector<uint16_t> vlans = {},
                      uint16_t tpid = 0x8100) {
  Bytes b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
  for (size_t i = 0; i < vlans.size(); ++i) {
    put16(b, i == 0 ? tpid : 0x8100);
    put16(b, vlans[i]);
  }
  put16(b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// IPv4 header fields a test may change, set fluently: Ip4().setId(7).setTtl(1).
struct Ip4 {
  uint16_t id = 1;
  uint16_t frag = 0;  // flags and offset field as on the wire
  uint8_t ttl = 64;
  Bytes options;      // padded by the caller to a multiple of 4
  std::optional<uint16_t> total_len;

  Ip4& setId(uint16_t v) { id = v; return *this; }
  Ip4& setFrag(uint16_t v) { frag = v; return *this; }
  Ip4& setTtl(uint8_t v) { ttl = v; return *this; }
  Ip4& setOptions(Bytes v) { options = std::move(v); return *this; }
  Ip4& setTotalLen(uint16_t v) { total_len = v; return *this; }
};

inline Bytes ipv4(const std::string& src, const std::string& dst, uint8_t proto,
                  const Bytes& payload, const Ip4& o = {}) {
  Bytes b;
  auto hlen = static_cast<uint8_t>(20 + o.options.size());
  b.push_back(static_cast<uint8_t>(0x40 | hlen / 4));
  b.push_back(0);
  put16(b, o.total_len.value_or(static_cast<uint16_t>(hlen + payload.size())));
  put16(b, o.id);
  put16(b, o.frag);
  b.push_back(o.ttl);
  b.push_back(proto);
  put16(b, 0);
  IpAddress s = addr(src), d = addr(dst);
  b.insert(b.end(), s.bytes.begin(), s.bytes.begin() + 4);
  b.insert(b.end(), d.bytes.begin(), d.bytes.begin() + 4);
  b.insert(b.end(), o.options.begin(), o.options.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes ipv6(const std::string& src, const std::string& dst, uint8_t nh,
                  const Bytes& payload, uint8_t hop_limit = 64) {
  Bytes b = {0x60, 0, 0, 0};
  put16(b, static_cast<uint16_t>(payload.size()));
  b.push_back(nh);
  b.push_back(hop_limit);
  IpAddress s = addr(src), d = addr(dst);
  b.insert(b.end(), s.bytes.begin(), s.bytes.end());
  b.insert(b.end(), d.bytes.begin(), d.bytes.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// Hop-by-hop, routing, destination options or mobility: length in 8-byte units.
inline Bytes ext6(uint8_t nh, const Bytes& payload, size_t body = 6) {
  Bytes b = {nh, static_cast<uint8_t>((body + 2) / 8 - 1)};
  b.resize(2 + body, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes frag6(uint8_t nh, uint32_t offset, bool more, uint32_t id, const Bytes& data) {
  Bytes b = {nh, 0};
  put16(b, static_cast<uint16_t>(offset | (more ? 1 : 0)));
  put32(b, id);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

inline Bytes tcp(uint16_t sport, uint16_t dport, uint8_t flags, const Bytes& payload,
                 const Bytes& options = {}, uint32_t seq = 1000, uint32_t ack = 0) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, seq);
  put32(b, ack);
  b.push_back(static_cast<uint8_t>((20 + options.size()) / 4 << 4));
  b.push_back(flags);
  put16(b, 65535);
  put16(b, 0);
  put16(b, 0);
  b.insert(b.end(), options.begin(), options.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes udp(uint16_t sport, uint16_t dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<uint16_t>(8 + payload.size()));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes icmp(uint8_t type, uint8_t code, uint16_t id, uint16_t seq, const Bytes& payload) {
  Bytes b = {type, code, 0, 0};
  put16(b, id);
  put16(b, seq);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes gre(uint16_t proto, const Bytes& payload, bool csum = false, bool key = false,
                 bool seq = false) {
  Bytes b;
  b.push_back(static_cast<uint8_t>((csum ? 0x80 : 0) | (key ? 0x20 : 0) | (seq ? 0x10 : 0)));
  b.push_back(0);
  put16(b, proto);
  if (csum) put32(b, 0);
  if (key) put32(b, 0x1234);
  if (seq) put32(b, 7);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes vxlan(const Bytes& inner_ethernet, uint32_t vni = 42) {
  Bytes b = {0x08, 0, 0, 0};
  put32(b, vni << 8);
  b.insert(b.end(), inner_ethernet.begin(), inner_ethernet.end());
  return b;
}

// Geneve with `options` (a multiple of 4 bytes) and the payload's ethertype.
inline Bytes geneve(uint16_t ptype, const Bytes& payload, const Bytes& options = {}) {
  Bytes b = {static_cast<uint8_t>(options.size() / 4), 0};
  put16(b, ptype);
  put32(b, 0x00abcd00);  // VNI 0xabcd
  b.insert(b.end(), options.begin(), options.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// GTP-U version 1 message; with `ext`, the optional block and one PDU session container
// extension header (4 bytes: length 1, QFI, next type 0) come first.
inline Bytes gtpU(const Bytes& payload, uint8_t type = 0xff, bool ext = false) {
  Bytes opt;
  if (ext) opt = {0, 7, 0, 0x85, 1, 0x09, 0, 0};
  Bytes b = {static_cast<uint8_t>(0x30 | (ext ? 0x04 : 0)), type};
  put16(b, static_cast<uint16_t>(opt.size() + payload.size()));
  put32(b, 0x11223344);  // TEID
  b.insert(b.end(), opt.begin(), opt.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// Teredo: the IPv6 packet, optionally behind an origin indication (port, address obscured).
inline Bytes teredo(const Bytes& ipv6_packet, bool origin = false) {
  Bytes b;
  if (origin) b = {0, 0, 0xcf, 0xc6, 0x3f, 0xff, 0xfd, 0xfe};
  b.insert(b.end(), ipv6_packet.begin(), ipv6_packet.end());
  return b;
}

}  // namespace mamori::test
