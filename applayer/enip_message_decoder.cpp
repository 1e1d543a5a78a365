#include "applayer/enip_message_decoder.h"

#include <algorithm>
#include <string_view>

#include "applayer/enip_names.h"

namespace mamori {
namespace {

constexpr uint16_t kCmdListServices = 0x04, kCmdListIdentity = 0x63, kCmdListInterfaces = 0x64,
                   kCmdRegisterSession = 0x65, kCmdUnregisterSession = 0x66, kCmdSendRRData = 0x6f,
                   kCmdSendUnitData = 0x70, kCmdNop = 0x00;
constexpr uint16_t kItemIdentity = 0x0c, kItemServices = 0x100, kItemConnectedData = 0xb1,
                   kItemUnconnectedData = 0xb2;
constexpr uint8_t kServiceGetAttributeList = 0x03, kServiceSetAttributeList = 0x04, kServiceMultiple = 0x0a;
constexpr uint8_t kResponseBit = 0x80;

// Little-endian reads within [at, end); a read past the end fails and the reader stays failed.
class Reader {
 public:
  Reader(const uint8_t* data, size_t len) : data_(data), len_(len) {}
  bool ok() const { return ok_; }
  size_t left() const { return ok_ ? len_ - at_ : 0; }
  const uint8_t* here() const { return data_ + at_; }
  uint8_t u8() { return static_cast<uint8_t>(take(1)); }
  uint16_t u16() { return static_cast<uint16_t>(take(2)); }
  uint32_t u32() { return static_cast<uint32_t>(take(4)); }
  void skip(size_t n) {
    if (!ok_ || n > len_ - at_) {
      ok_ = false;
      return;
    }
    at_ += n;
  }

 private:
  uint64_t take(size_t n) {
    if (!ok_ || n > len_ - at_) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(data_[at_ + i]) << (8 * i);
    at_ += n;
    return v;
  }

  const uint8_t* data_;
  size_t len_;
  size_t at_ = 0;
  bool ok_ = true;
};

// The request path: `words` 16-bit words of segments. Logical segments (type 001xxxxx) with
// an 8, 16 or 32-bit value are kept; the first other one ends the reading of the path.
bool readPath(Reader& r, CipMessage& m) {
  const size_t words = r.u8();
  if (!r.ok() || words * 2 > r.left()) return false;
  Reader path(r.here(), words * 2);
  r.skip(words * 2);
  while (path.left() > 0) {
    const uint8_t type = path.u8();
    if ((type >> 5) != 1) break;
    uint32_t value = 0;
    switch (type & 3) {
      case 0: value = path.u8(); break;
      case 1: path.skip(1); value = path.u16(); break;
      case 2: path.skip(1); value = path.u32(); break;
      default: return false;
    }
    if (!path.ok()) return false;
    if (m.path_count < m.path.size()) m.path[m.path_count++] = {type, value};
  }
  return true;
}

bool readCip(const uint8_t* data, size_t len, bool allow_multiple, CipMessage& m, EnipMessage* outer);

// A Multiple Service Packet's body: a count, that many offsets from the count's start, each
// to one service's request or response.
bool readMultiple(const uint8_t* body, size_t len, EnipMessage& outer) {
  Reader r(body, len);
  const uint16_t count = r.u16();
  if (!r.ok() || static_cast<size_t>(count) * 2 > r.left()) return false;
  outer.multiple_total = count;
  for (uint16_t i = 0; i < count; ++i) {
    const uint16_t offset = r.u16();
    if (offset >= len) return false;
    if (outer.multiple_count == outer.multiple.size()) continue;
    CipMessage& inner = outer.multiple[outer.multiple_count];
    inner = CipMessage{};
    if (!readCip(body + offset, len - offset, false, inner, nullptr)) return false;
    ++outer.multiple_count;
  }
  return true;
}

bool readCip(const uint8_t* data, size_t len, bool allow_multiple, CipMessage& m, EnipMessage* outer) {
  Reader r(data, len);
  const uint8_t service = r.u8();
  if (!r.ok()) return false;
  m.service = service & ~kResponseBit;
  m.response = service & kResponseBit;
  if (m.response) {
    r.skip(1);  // reserved
    m.status = r.u8();
    const uint8_t extended = r.u8();
    if (!r.ok() || extended > r.left()) return false;
    for (uint8_t i = 0; i < extended && i < m.extended_status.size(); ++i) m.extended_status[i] = r.here()[i];
    m.extended_status_size = static_cast<uint8_t>(std::min<size_t>(extended, m.extended_status.size()));
    r.skip(extended);
  } else {
    if (!readPath(r, m)) return false;
    if (m.service == kServiceGetAttributeList || m.service == kServiceSetAttributeList) {
      const uint16_t count = r.u16();
      if (!r.ok()) return false;
      // A Set Attribute List's values follow each attribute and are class-specific: only its
      // first attribute is known (as Suricata reads it).
      const uint16_t readable = m.service == kServiceGetAttributeList ? count : std::min<uint16_t>(count, 1);
      for (uint16_t i = 0; i < readable; ++i) {
        const uint16_t attribute = r.u16();
        if (!r.ok()) return false;
        if (m.attribute_count < m.attributes.size()) m.attributes[m.attribute_count++] = attribute;
      }
    }
  }
  if (m.service == kServiceMultiple && allow_multiple && outer) return readMultiple(r.here(), r.left(), *outer);
  return true;
}

// The common packet format's items: the first identity, services or data item is decoded.
bool readItems(Reader& r, EnipMessage& out) {
  const uint16_t count = r.u16();
  if (!r.ok()) return false;
  bool decoded = false;
  for (uint16_t i = 0; i < count; ++i) {
    const uint16_t type = r.u16();
    const uint16_t length = r.u16();
    if (!r.ok() || length > r.left()) return false;
    Reader item(r.here(), length);
    r.skip(length);
    if (decoded) continue;
    switch (type) {
      case kItemIdentity: {
        EnipIdentity& id = out.identity;
        id.protocol_version = item.u16();
        item.skip(16);  // the device's socket address
        id.vendor_id = item.u16();
        id.device_type = item.u16();
        id.product_code = item.u16();
        id.revision_major = item.u8();
        id.revision_minor = item.u8();
        id.status = item.u16();
        id.serial = item.u32();
        const uint8_t name = item.u8();
        if (!item.ok() || name > item.left()) return false;
        id.product_name.assign(reinterpret_cast<const char*>(item.here()), name);
        item.skip(name);
        id.state = item.u8();
        if (!item.ok()) return false;
        out.payload = EnipMessage::Payload::Identity;
        decoded = true;
        break;
      }
      case kItemServices: {
        EnipServices& s = out.services;
        s.protocol_version = item.u16();
        s.capabilities = item.u16();
        if (!item.ok() || item.left() < s.name.size()) return false;
        s.name_size = 0;
        while (s.name_size < s.name.size() && item.here()[s.name_size] != 0) {
          s.name[s.name_size] = static_cast<char>(item.here()[s.name_size]);
          ++s.name_size;
        }
        out.payload = EnipMessage::Payload::Services;
        decoded = true;
        break;
      }
      case kItemConnectedData:
      case kItemUnconnectedData: {
        if (type == kItemConnectedData) {
          out.sequence = item.u16();
          if (!item.ok()) return false;
        }
        if (!readCip(item.here(), item.left(), true, out.cip, &out)) return false;
        out.payload = EnipMessage::Payload::Cip;
        decoded = true;
        break;
      }
      default: break;
    }
  }
  return true;
}

bool readPayload(const uint8_t* data, size_t len, EnipMessage& out) {
  Reader r(data, len);
  switch (out.command) {
    case kCmdRegisterSession:
      out.register_version = r.u16();
      out.register_options = r.u16();
      if (!r.ok()) return false;
      out.payload = EnipMessage::Payload::RegisterSession;
      return true;
    case kCmdListServices:
    case kCmdListIdentity:
    case kCmdListInterfaces:
      // A request is empty; a reply lists items.
      return len == 0 || readItems(r, out);
    case kCmdSendRRData:
    case kCmdSendUnitData:
      r.skip(4 + 2);  // interface handle, timeout
      return r.ok() && readItems(r, out);
    default: return true;
  }
}

}  // namespace

size_t EnipMessageDecoder::pduSize(const uint8_t* data, size_t len) {
  if (len < EnipMessage::kHeaderSize) return 0;
  return EnipMessage::kHeaderSize + static_cast<size_t>(data[2] | data[3] << 8);
}

ProbeResult EnipMessageDecoder::probe(const uint8_t* data, size_t len) {
  if (len < EnipMessage::kHeaderSize) return ProbeResult::Unsure;
  Reader r(data, len);
  const uint16_t command = r.u16();
  const uint16_t length = r.u16();
  r.skip(4);
  const uint32_t status = r.u32();
  r.skip(8);
  const uint32_t options = r.u32();
  if (numberNameOf(kEnipStatusNames, status).empty() || numberNameOf(kEnipCommandNames, command).empty()) {
    return ProbeResult::NoMatch;
  }
  switch (command) {
    case kCmdNop: return options == 0 ? ProbeResult::Match : ProbeResult::NoMatch;
    case kCmdRegisterSession: return length == 4 ? ProbeResult::Match : ProbeResult::NoMatch;
    case kCmdUnregisterSession: return length == 4 || length == 0 ? ProbeResult::Match : ProbeResult::NoMatch;
    case kCmdListInterfaces: {
      // A reply's item count and items must fit what follows the header.
      if (r.left() < 2) return ProbeResult::Unsure;
      const size_t items = r.u16();
      return r.left() >= items * 2 ? ProbeResult::Match : ProbeResult::Unsure;
    }
    default: return ProbeResult::Match;
  }
}

bool EnipMessageDecoder::decode(const uint8_t* data, size_t len, EnipMessage& out) {
  const size_t size = pduSize(data, len);
  if (size == 0 || size > len) return false;
  Reader r(data, EnipMessage::kHeaderSize);
  out.command = r.u16();
  out.length = r.u16();
  out.session = r.u32();
  out.status = r.u32();
  r.skip(8);  // sender context
  out.options = r.u32();
  out.payload = EnipMessage::Payload::None;
  out.invalid = false;
  out.sequence.reset();
  out.cip = CipMessage{};
  out.multiple_count = 0;
  out.multiple_total = 0;
  if (!readPayload(data + EnipMessage::kHeaderSize, out.length, out)) {
    out.invalid = true;
    out.payload = EnipMessage::Payload::None;
  }
  return true;
}

}  // namespace mamori
