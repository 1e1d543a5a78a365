#pragma once
// RDP connection-start packets for the RDP plug-in's tests (MS-RDPBCGR 4.1): TPKT around
// X.224 connection request / confirm with negotiation, and around an X.224 data TPDU with an
// MCS Connect-Initial (GCC conference create request, client core and network data) or
// Connect-Response.
#include <cstdint>
#include <string>
#include <vector>

namespace mamori::test::rdp {

using Bytes = std::vector<uint8_t>;

inline void le16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v);
  b[at + 1] = static_cast<uint8_t>(v >> 8);
}
inline void le32(Bytes& b, size_t at, uint32_t v) {
  le16(b, at, static_cast<uint16_t>(v));
  le16(b, at + 2, static_cast<uint16_t>(v >> 16));
}
inline Bytes tpkt(const Bytes& x224) {
  const size_t n = x224.size() + 4;
  Bytes b{3, 0, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  b.insert(b.end(), x224.begin(), x224.end());
  return b;
}
// RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE.
inline Bytes negotiation(uint8_t type, uint8_t flags, uint32_t value) {
  Bytes b(8, 0);
  b[0] = type;
  b[1] = flags;
  le16(b, 2, 8);
  le32(b, 4, value);
  return b;
}
// X.224 connection request (0xE0) or confirm (0xD0) with `variable` after the fixed part.
inline Bytes x224Connection(uint8_t code, const Bytes& variable) {
  Bytes b{static_cast<uint8_t>(6 + variable.size()), code, 0, 0, 0x12, 0x34, 0};
  b.insert(b.end(), variable.begin(), variable.end());
  return tpkt(b);
}
inline Bytes request(const std::string& cookie, uint32_t protocols) {
  Bytes v;
  if (!cookie.empty()) {
    const std::string line = "Cookie: mstshash=" + cookie + "\r\n";
    v.assign(line.begin(), line.end());
  }
  const Bytes neg = negotiation(1, 0, protocols);
  v.insert(v.end(), neg.begin(), neg.end());
  return x224Connection(0xe0, v);
}
inline Bytes confirm(uint32_t protocol) { return x224Connection(0xd0, negotiation(2, 0x1f, protocol)); }

inline Bytes utf16(const std::string& s, size_t bytes) {
  Bytes b(bytes, 0);
  for (size_t i = 0; i < s.size() && 2 * i + 1 < bytes; ++i) b[2 * i] = static_cast<uint8_t>(s[i]);
  return b;
}
// CS_CORE with every field through clientDigProductId.
inline Bytes clientCore(const std::string& name, uint32_t layout, uint32_t build) {
  Bytes d(206, 0);
  le32(d, 0, 0x00080004);  // RDP 5
  le16(d, 4, 1280);
  le16(d, 6, 1024);
  le16(d, 8, 0xca01);
  le32(d, 12, layout);
  le32(d, 16, build);
  const Bytes n = utf16(name, 32);
  std::copy(n.begin(), n.end(), d.begin() + 20);
  le32(d, 52, 4);   // IBM enhanced keyboard
  le32(d, 60, 12);  // function keys
  le16(d, 128, 0xca01);
  le16(d, 130, 1);
  le16(d, 136, 0x18);  // 24 bpp
  const Bytes id = utf16("27ab-42", 64);
  std::copy(id.begin(), id.end(), d.begin() + 142);
  Bytes block(4, 0);
  le16(block, 0, 0xc001);
  le16(block, 2, static_cast<uint16_t>(d.size() + 4));
  block.insert(block.end(), d.begin(), d.end());
  return block;
}
inline Bytes clientNetwork(const std::vector<std::string>& channels) {
  Bytes block(8, 0);
  le16(block, 0, 0xc003);
  le16(block, 2, static_cast<uint16_t>(8 + 12 * channels.size()));
  le32(block, 4, static_cast<uint32_t>(channels.size()));
  for (const std::string& c : channels) {
    Bytes def(12, 0);
    std::copy(c.begin(), c.end(), def.begin());
    block.insert(block.end(), def.begin(), def.end());
  }
  return block;
}
inline Bytes berLength(size_t n) {
  return n < 0x80 ? Bytes{static_cast<uint8_t>(n)} : Bytes{0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
}
inline Bytes connectInitial(const Bytes& blocks) {
  Bytes gcc{0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, 0x81, 0x2a, 0x00, 0x08, 0x00, 0x10,
            0x00, 0x01, 0xc0, 0x00, 'D',  'u',  'c',  'a',  static_cast<uint8_t>(0x80 | blocks.size() >> 8),
            static_cast<uint8_t>(blocks.size())};
  gcc.insert(gcc.end(), blocks.begin(), blocks.end());
  Bytes body{0x04, 0x01, 0x01, 0x04, 0x01, 0x01, 0x01, 0x01, 0xff, 0x30, 0x00, 0x30, 0x00, 0x30, 0x00, 0x04};
  const Bytes user_len = berLength(gcc.size());
  body.insert(body.end(), user_len.begin(), user_len.end());
  body.insert(body.end(), gcc.begin(), gcc.end());
  Bytes mcs{0x7f, 0x65};
  const Bytes len = berLength(body.size());
  mcs.insert(mcs.end(), len.begin(), len.end());
  mcs.insert(mcs.end(), body.begin(), body.end());
  Bytes x224{0x02, 0xf0, 0x80};
  x224.insert(x224.end(), mcs.begin(), mcs.end());
  return tpkt(x224);
}
inline Bytes connectResponse() { return tpkt({0x02, 0xf0, 0x80, 0x7f, 0x66, 0x03, 0x0a, 0x01, 0x00}); }

}  // namespace mamori::test::rdp
