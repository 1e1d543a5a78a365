#include "applayer/dcerpc_pdu.h"

namespace mamori::dcerpc_pdu {
namespace {

// The PDU's bytes, read in its data representation; a read past the end sets `failed`.
class PduBytes {
 public:
  PduBytes(const uint8_t* data, size_t len, bool little_endian) : data_(data), len_(len), le_(little_endian) {}

  uint8_t u8() {
    if (!need(1)) return 0;
    return data_[at_++];
  }
  uint16_t u16() {
    if (!need(2)) return 0;
    const uint8_t* p = data_ + at_;
    at_ += 2;
    return le_ ? static_cast<uint16_t>(p[0] | p[1] << 8) : static_cast<uint16_t>(p[0] << 8 | p[1]);
  }
  uint32_t u32() {
    const uint32_t a = u16(), b = u16();
    return le_ ? (b << 16 | a) : (a << 16 | b);
  }
  // A UUID as written in the PDU (its first three fields in the drep's order), into
  // RFC 4122 text order.
  void uuid(std::array<uint8_t, 16>& out) {
    if (!need(16)) return;
    const uint8_t* p = data_ + at_;
    static constexpr int kLittle[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < 16; ++i) out[i] = p[le_ ? kLittle[i] : i];
    at_ += 16;
  }
  void skip(size_t n) {
    if (need(n)) at_ += n;
  }
  void alignTo4() { skip((4 - at_ % 4) % 4); }
  size_t at() const { return at_; }
  bool failed() const { return failed_; }

 private:
  bool need(size_t n) {
    if (failed_ || len_ - at_ < n) {
      failed_ = true;
      return false;
    }
    return true;
  }
  const uint8_t* data_;
  size_t len_;
  size_t at_ = 0;
  bool le_;
  bool failed_ = false;
};

constexpr size_t kSecurityTrailer = 8;
constexpr size_t kTransferSyntax = 20;

bool knownType(uint8_t type) { return !dcerpcPduTypeName(static_cast<DcerpcPduType>(type)).empty(); }

// The body's end: before the authentication verifier and its security trailer.
size_t bodyEnd(const DcerpcPduHeader& h) {
  const size_t auth = h.auth_length ? h.auth_length + kSecurityTrailer : 0;
  return h.frag_length >= auth ? h.frag_length - auth : 0;
}

bool readCall(const DcerpcPduHeader& h, const uint8_t* pdu, bool request, DcerpcPduCall& out) {
  PduBytes in(pdu, bodyEnd(h), h.little_endian);
  in.skip(DcerpcPduHeader::kSize);
  in.u32();  // alloc_hint
  out.context_id = in.u16();
  if (request) {
    out.opnum = in.u16();
    if (h.flags & DcerpcPduHeader::kObjectUuid) in.skip(16);
  } else {
    in.skip(2);  // cancel_count, reserved
  }
  if (in.failed()) return false;
  out.stub = pdu + in.at();
  out.stub_length = bodyEnd(h) - in.at();
  return true;
}

}  // namespace

bool readHeader(const uint8_t* data, DcerpcPduHeader& out) {
  if (data[0] != 5 || data[1] > 1 || !knownType(data[2])) return false;
  out.version_minor = data[1];
  out.type = data[2];
  out.flags = data[3];
  out.little_endian = (data[4] & 0x10) != 0;
  PduBytes in(data + 8, 8, out.little_endian);
  out.frag_length = in.u16();
  out.auth_length = in.u16();
  out.call_id = in.u32();
  return out.frag_length >= DcerpcPduHeader::kSize;
}

bool readRequest(const DcerpcPduHeader& h, const uint8_t* pdu, DcerpcPduCall& out) { return readCall(h, pdu, true, out); }

bool readResponse(const DcerpcPduHeader& h, const uint8_t* pdu, DcerpcPduCall& out) {
  return readCall(h, pdu, false, out);
}

bool readBind(const DcerpcPduHeader& h, const uint8_t* pdu, std::span<DcerpcPduContext> out, size_t& count) {
  PduBytes in(pdu, bodyEnd(h), h.little_endian);
  in.skip(DcerpcPduHeader::kSize + 8);  // max_xmit_frag, max_recv_frag, assoc_group_id
  count = in.u8();
  in.skip(3);
  for (size_t i = 0; i < count && !in.failed(); ++i) {
    DcerpcPduContext c;
    c.context_id = in.u16();
    const uint8_t transfer_syntaxes = in.u8();
    in.skip(1);
    in.uuid(c.uuid);
    c.version = in.u16();
    c.version_minor = in.u16();
    in.skip(kTransferSyntax * transfer_syntaxes);
    if (i < out.size()) out[i] = c;
  }
  return !in.failed();
}

bool readBindAck(const DcerpcPduHeader& h, const uint8_t* pdu, std::span<uint16_t> results, size_t& count) {
  PduBytes in(pdu, bodyEnd(h), h.little_endian);
  in.skip(DcerpcPduHeader::kSize + 8);  // max_xmit_frag, max_recv_frag, assoc_group_id
  in.skip(in.u16());                    // the secondary address (port_any_t)
  in.alignTo4();
  count = in.u8();
  in.skip(3);
  for (size_t i = 0; i < count && !in.failed(); ++i) {
    const uint16_t result = in.u16();
    in.skip(2 + kTransferSyntax);  // reason, transfer syntax
    if (i < results.size()) results[i] = result;
  }
  return !in.failed();
}

}  // namespace mamori::dcerpc_pdu
