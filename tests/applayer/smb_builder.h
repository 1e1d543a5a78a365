#pragma once
// Hand-built SMB messages for the SMB plug-in's tests, field by field as MS-SMB2 and MS-CIFS
// lay them out (little-endian), NBSS framed.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace mamori::test::smb {

using Bytes = std::vector<uint8_t>;

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
inline Bytes le16(uint16_t v) { return {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)}; }
inline Bytes le32(uint32_t v) { return cat({le16(static_cast<uint16_t>(v)), le16(static_cast<uint16_t>(v >> 16))}); }
inline Bytes le64(uint64_t v) { return cat({le32(static_cast<uint32_t>(v)), le32(static_cast<uint32_t>(v >> 32))}); }
inline Bytes zeros(size_t n) { return Bytes(n, 0); }
inline Bytes ascii(const std::string& s) { return Bytes(s.begin(), s.end()); }
inline Bytes utf16(const std::string& s) {
  Bytes out;
  for (unsigned char c : s) out.insert(out.end(), {c, 0});
  return out;
}

inline Bytes nbss(const Bytes& msg) {
  const size_t n = msg.size();
  return cat({{0, static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)}, msg});
}

struct Smb2 {
  uint16_t command = 0;
  uint64_t message_id = 0;
  bool response = false;
  uint32_t status = 0;
  uint32_t tree_id = 0;
  uint32_t next = 0;  // NextCommand
};

// The 64-byte header; the body follows (offsets in bodies count from the header's start).
inline Bytes smb2(const Smb2& h, const Bytes& body) {
  return cat({{0xfe, 'S', 'M', 'B'}, le16(64), le16(0), le32(h.status), le16(h.command), le16(1),
              le32(h.response ? 1 : 0), le32(h.next), le64(h.message_id), le32(0), le32(h.tree_id), le64(0x1122),
              zeros(16), body});
}

inline Bytes fileId(uint64_t v) { return cat({le64(v), le64(~v)}); }

inline Bytes treeConnectRequest(const std::string& path) {
  return cat({le16(9), le16(0), le16(64 + 8), le16(static_cast<uint16_t>(path.size() * 2)), utf16(path)});
}
inline Bytes treeConnectResponse(uint8_t share_type) { return cat({le16(16), {share_type, 0}, le32(0), le32(0), le32(0)}); }
inline Bytes createRequest(const std::string& name) {
  return cat({le16(57), {0, 0}, le32(0), le64(0), le64(0), le32(0), le32(0), le32(0), le32(1), le32(0),
              le16(64 + 56), le16(static_cast<uint16_t>(name.size() * 2)), le32(0), le32(0), utf16(name)});
}
inline Bytes createResponse(uint64_t id) {
  return cat({le16(89), {0, 0}, le32(1), zeros(32), le64(0), le64(0), le32(0), le32(0), fileId(id), le32(0), le32(0)});
}
inline Bytes writeRequest(uint64_t id, uint64_t offset, const Bytes& data) {
  return cat({le16(49), le16(64 + 48), le32(static_cast<uint32_t>(data.size())), le64(offset), fileId(id), le32(0),
              le32(0), le16(0), le16(0), le32(0), data});
}
inline Bytes readRequest(uint64_t id, uint64_t offset, uint32_t length) {
  return cat({le16(49), {0, 0}, le32(length), le64(offset), fileId(id), le32(0), le32(0), le32(0), le16(0), le16(0), {0}});
}
inline Bytes readResponse(const Bytes& data) {
  return cat({le16(17), {64 + 16, 0}, le32(static_cast<uint32_t>(data.size())), le32(0), le32(0), data});
}
inline Bytes closeRequest(uint64_t id) { return cat({le16(24), le16(0), le32(0), fileId(id)}); }
inline Bytes ioctlRequest(uint64_t id, uint32_t code, const Bytes& input) {
  return cat({le16(57), le16(0), le32(code), fileId(id), le32(64 + 56), le32(static_cast<uint32_t>(input.size())),
              le32(0), le32(0), le32(0), le32(1024), le32(1), le32(0), input});
}
inline Bytes ioctlResponse(uint64_t id, uint32_t code, const Bytes& output) {
  return cat({le16(49), le16(0), le32(code), fileId(id), le32(64 + 48), le32(0), le32(64 + 48),
              le32(static_cast<uint32_t>(output.size())), le32(0), le32(0), output});
}
inline Bytes sessionSetupRequest(const Bytes& blob) {
  return cat({le16(25), {0, 1}, le32(0), le32(0), le16(64 + 24), le16(static_cast<uint16_t>(blob.size())), le64(0), blob});
}
inline Bytes negotiateRequest(std::initializer_list<uint16_t> dialects) {
  Bytes out = cat({le16(36), le16(static_cast<uint16_t>(dialects.size())), le16(1), le16(0), le32(0), zeros(16), le64(0)});
  for (uint16_t d : dialects) out = cat({out, le16(d)});
  return out;
}
inline Bytes negotiateResponse(uint16_t dialect) { return cat({le16(65), le16(1), le16(dialect), zeros(58)}); }

// An NTLMSSP AUTHENTICATE message (MS-NLMP 2.2.1.3), Unicode.
inline Bytes ntlmsspAuth(const std::string& domain, const std::string& user, const std::string& host) {
  const Bytes d = utf16(domain), u = utf16(user), h = utf16(host);
  auto buffer = [](const Bytes& b, uint32_t at) {
    return cat({le16(static_cast<uint16_t>(b.size())), le16(static_cast<uint16_t>(b.size())), le32(at)});
  };
  const uint32_t at = 64;
  return cat({ascii("NTLMSSP"), {0}, le32(3), buffer({}, at), buffer({}, at), buffer(d, at),
              buffer(u, at + static_cast<uint32_t>(d.size())), buffer(h, at + static_cast<uint32_t>(d.size() + u.size())),
              buffer({}, at), le32(0x1), d, u, h});
}

// An SMB1 message: the 32-byte header, then the word block and byte block.
struct Smb1 {
  uint8_t command = 0;
  bool reply = false;
  bool unicode = true;
  uint32_t status = 0;
  uint16_t tid = 0, mid = 0;
};
inline Bytes smb1(const Smb1& h, const Bytes& words, const Bytes& bytes) {
  return cat({{0xff, 'S', 'M', 'B', h.command}, le32(h.status), {static_cast<uint8_t>(h.reply ? 0x98 : 0x18)},
              le16(h.unicode ? 0xc807 : 0x4807), le16(0), zeros(8), le16(0), le16(h.tid), le16(0x1234), le16(0x800),
              le16(h.mid), {static_cast<uint8_t>(words.size() / 2)}, words, le16(static_cast<uint16_t>(bytes.size())),
              bytes});
}

}  // namespace mamori::test::smb
