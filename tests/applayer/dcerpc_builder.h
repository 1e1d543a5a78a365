#pragma once
// Hand-built connection-oriented DCE/RPC PDUs (DCE 1.1 section 12.6) for tests, in either
// data representation, so the decoder meets what the specification says rather than what
// it assumes.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mamori::test::dcerpc {

constexpr uint8_t kFirst = 0x01, kLast = 0x02, kWhole = kFirst | kLast;

struct Iface {
  uint16_t context_id;
  std::string uuid;  // 8-4-4-4-12
  uint16_t version, minor;
};

class Pdu {
 public:
  Pdu(uint8_t type, uint8_t flags, uint32_t call_id, bool little_endian = true, uint8_t minor = 0)
      : le_(little_endian) {
    bytes_ = {5, minor, type, flags, static_cast<uint8_t>(little_endian ? 0x10 : 0x00), 0, 0, 0};
    u16(0);  // frag_length, set by done()
    u16(0);  // auth_length
    u32(call_id);
  }
  Pdu& u8(uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  Pdu& u16(uint16_t v) {
    if (le_) {
      bytes_.push_back(static_cast<uint8_t>(v));
      bytes_.push_back(static_cast<uint8_t>(v >> 8));
    } else {
      bytes_.push_back(static_cast<uint8_t>(v >> 8));
      bytes_.push_back(static_cast<uint8_t>(v));
    }
    return *this;
  }
  Pdu& u32(uint32_t v) {
    return le_ ? u16(static_cast<uint16_t>(v)).u16(static_cast<uint16_t>(v >> 16))
               : u16(static_cast<uint16_t>(v >> 16)).u16(static_cast<uint16_t>(v));
  }
  Pdu& raw(const std::string& s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  // A UUID written as the PDU writes it: its first three fields in the drep's order.
  Pdu& uuid(const std::string& text) {
    std::vector<uint8_t> b;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '-') continue;
      b.push_back(static_cast<uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
      ++i;
    }
    u32(static_cast<uint32_t>(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    u16(static_cast<uint16_t>(b[4] << 8 | b[5]));
    u16(static_cast<uint16_t>(b[6] << 8 | b[7]));
    bytes_.insert(bytes_.end(), b.begin() + 8, b.end());
    return *this;
  }
  std::vector<uint8_t> done() {
    std::vector<uint8_t> out = bytes_;
    const auto n = static_cast<uint16_t>(out.size());
    out[8] = static_cast<uint8_t>(le_ ? n : n >> 8);
    out[9] = static_cast<uint8_t>(le_ ? n >> 8 : n);
    return out;
  }

 private:
  bool le_;
  std::vector<uint8_t> bytes_;
};

inline const std::string kNdrSyntax = "8a885d04-1ceb-11c9-9fe8-08002b104860";

// A bind (type 11) or alter_context (14) offering `ifaces`, each with the NDR transfer syntax.
inline std::vector<uint8_t> bind(uint32_t call_id, const std::vector<Iface>& ifaces, bool le = true, uint8_t type = 11) {
  Pdu p(type, kWhole, call_id, le);
  p.u16(4280).u16(4280).u32(0).u8(static_cast<uint8_t>(ifaces.size())).u8(0).u16(0);
  for (const Iface& i : ifaces) {
    p.u16(i.context_id).u8(1).u8(0).uuid(i.uuid).u16(i.version).u16(i.minor).uuid(kNdrSyntax).u32(2);
  }
  return p.done();
}

// A bind_ack (12) or alter_context_resp (15) with one result per offered context.
inline std::vector<uint8_t> bindAck(uint32_t call_id, const std::vector<uint16_t>& results, bool le = true,
                                    uint8_t type = 12) {
  Pdu p(type, kWhole, call_id, le);
  p.u16(4280).u16(4280).u32(0x1234);
  p.u16(4).raw(std::string("135", 4));  // secondary address "135\0": 26 + 4 = 30, padded to 32
  p.u16(0);
  p.u8(static_cast<uint8_t>(results.size())).u8(0).u16(0);
  for (uint16_t r : results) p.u16(r).u16(0).uuid(kNdrSyntax).u32(2);
  return p.done();
}

inline std::vector<uint8_t> request(uint32_t call_id, uint16_t context_id, uint16_t opnum, const std::string& stub,
                                    uint8_t flags = kWhole, bool le = true) {
  Pdu p(0, flags, call_id, le);
  p.u32(static_cast<uint32_t>(stub.size())).u16(context_id).u16(opnum).raw(stub);
  return p.done();
}

inline std::vector<uint8_t> response(uint32_t call_id, uint16_t context_id, const std::string& stub,
                                     uint8_t flags = kWhole, bool le = true) {
  Pdu p(2, flags, call_id, le);
  p.u32(static_cast<uint32_t>(stub.size())).u16(context_id).u8(0).u8(0).raw(stub);
  return p.done();
}

inline std::vector<uint8_t> fault(uint32_t call_id, uint32_t status) {
  Pdu p(3, kWhole, call_id);
  p.u32(0).u16(0).u8(0).u8(0).u32(status).u32(0);
  return p.done();
}

}  // namespace mamori::test::dcerpc
