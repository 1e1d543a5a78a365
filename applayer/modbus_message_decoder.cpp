#include "applayer/modbus_message_decoder.h"

#include "applayer/modbus_names.h"

namespace mamori {
namespace {

using Data = ModbusMessage::Data;

constexpr uint8_t kExceptionBit = 0x80;
constexpr uint8_t kDiagnostic = 0x08, kMei = 0x2b, kRdExcStatus = 0x07, kGetCommEventCtr = 0x0b,
                  kGetCommEventLog = 0x0c, kReportServerId = 0x11, kRdFileRec = 0x14, kWrFileRec = 0x15,
                  kRdWrMultRegs = 0x17, kRdFifoQueue = 0x18;
constexpr uint16_t kMaxBitQuantity = 2000, kMaxWordQuantity = 125;
constexpr size_t kMaxPduLength = 254;  // unit and PDU: a 260-byte ADU

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

uint8_t accessOf(uint8_t code) {
  switch (code) {
    case 0x01: return kModbusCoils | kModbusRead;
    case 0x02: return kModbusDiscretes | kModbusRead;
    case 0x03: return kModbusHolding | kModbusRead;
    case 0x04: return kModbusInput | kModbusRead;
    case 0x05: return kModbusCoils | kModbusWrite | kModbusSingle;
    case 0x06: return kModbusHolding | kModbusWrite | kModbusSingle;
    case 0x0f: return kModbusCoils | kModbusWrite | kModbusMultiple;
    case 0x10: return kModbusHolding | kModbusWrite | kModbusMultiple;
    case 0x16: return kModbusHolding | kModbusWrite;
    case kRdWrMultRegs: return kModbusHolding | kModbusRead | kModbusWrite | kModbusMultiple;
    default: return 0;
  }
}

// The category of a function code Suricata has no name for.
uint8_t unknownCategory(uint8_t raw) {
  if (raw == 0 || raw >= 128) return 0;
  if (raw < 9) return kModbusPublicUnassigned;
  if (raw < 15) return kModbusReserved;
  if (raw < 41) return kModbusPublicUnassigned;
  if (raw < 43) return kModbusReserved;
  if (raw < 65) return kModbusPublicUnassigned;
  if (raw < 73) return kModbusUserDefined;
  if (raw < 90) return kModbusPublicUnassigned;
  if (raw < 92) return kModbusReserved;
  if (raw < 100) return kModbusPublicUnassigned;
  if (raw < 111) return kModbusUserDefined;
  if (raw < 125) return kModbusPublicUnassigned;
  return kModbusReserved;
}

// The PDU's data (after unit and function): `n` bytes at `p`.
class Pdu {
 public:
  Pdu(const uint8_t* p, size_t n, ModbusMessage& m) : p_(p), n_(n), m_(m) {}

  bool exception() {
    if (n_ < 1) return false;
    m_.data = Data::Exception;
    m_.exception_code = p_[0];
    const uint8_t f = m_.function_raw & ~kExceptionBit;
    const uint8_t e = m_.exception_code;
    if ((e == 3 && f == kDiagnostic) || (e == 2 && ((f > 6 && f < 15) || (f > 16 && f < 22))) ||
        (e == 8 && f != kRdFileRec && f != kWrFileRec)) {
      m_.flags |= kModbusExceptionCode;
    }
    return true;
  }

  bool diagnostic() {
    if (n_ < 2) return false;
    m_.data = Data::Diagnostic;
    m_.subfunction = be16(p_);
    m_.bytes = view(2);
    return true;
  }

  bool mei() {
    if (n_ < 1) return false;
    m_.data = Data::Mei;
    m_.subfunction = p_[0];
    m_.bytes = view(1);
    return true;
  }

  void bytes() {
    m_.data = Data::Bytes;
    m_.bytes = view(0);
  }

  bool readRequest() {
    if (n_ < 4) return false;
    m_.data = Data::ReadRequest;
    m_.address = be16(p_);
    m_.quantity = be16(p_ + 2);
    const bool bits = m_.access & kModbusBitAccess;
    if (m_.quantity == 0 || m_.quantity > (bits ? kMaxBitQuantity : kMaxWordQuantity)) m_.flags |= kModbusDataValue;
    if (modbusFunctionCode(m_.function_raw) != kRdWrMultRegs && n_ > 4) m_.flags |= kModbusDataLength;
    return true;
  }

  bool readResponse() {
    if (n_ < 1) return false;
    m_.data = Data::ReadResponse;
    const uint8_t count = p_[0];
    if (count < 1 || count > 250 || n_ - 1 != count) m_.flags |= kModbusDataValue;
    m_.bytes = view(1);
    return true;
  }

  // A write request's part at `at` (after a read/write request's read part).
  bool writeRequest(size_t at) {
    if (n_ < at + 2) return false;
    const uint16_t address = be16(p_ + at);
    if (m_.access & kModbusSingle) {
      if (n_ < at + 4) return false;
      m_.data = Data::WriteSingle;
      m_.address = address;
      m_.value = be16(p_ + at + 2);
      if (n_ > 4) m_.flags |= kModbusDataLength;
      if ((m_.access & kModbusCoils) && m_.value != 0x0000 && m_.value != 0xff00) m_.flags |= kModbusDataValue;
      return true;
    }
    if (m_.access & kModbusMultiple) {
      if (n_ < at + 5) return false;
      const uint16_t quantity = be16(p_ + at + 2);
      const uint8_t count = p_[at + 4];
      const size_t values = n_ - at - 5;
      if (quantity == 0 || values != count) m_.flags |= kModbusDataValue;
      const bool bits = m_.access & kModbusBitAccess;
      if (bits ? quantity > kMaxBitQuantity || quantity != count / 8 + (count % 8 != 0)
               : quantity > kMaxWordQuantity || count != 2u * quantity) {
        m_.flags |= kModbusDataValue;
      }
      if (m_.data == Data::ReadRequest) {
        m_.data = Data::ReadWrite;
        m_.write_address = address;
        m_.write_quantity = quantity;
      } else {
        m_.data = Data::WriteMultiple;
        m_.address = address;
        m_.quantity = quantity;
      }
      m_.bytes = view(at + 5);
      return true;
    }
    return mask(at);
  }

  bool writeResponse() {
    if (n_ < 2) return false;
    if (!(m_.access & (kModbusSingle | kModbusMultiple))) return mask(0);
    if (n_ < 4) return false;
    m_.data = Data::WriteSingle;
    m_.address = be16(p_);
    m_.value = be16(p_ + 2);
    if (n_ > 4) m_.flags |= kModbusDataLength;
    if ((m_.access & kModbusMultiple) && m_.value == 0) m_.flags |= kModbusDataValue;
    return true;
  }

  size_t size() const { return n_; }

 private:
  bool mask(size_t at) {
    if (n_ < at + 6) return false;
    m_.data = Data::WriteMask;
    m_.address = be16(p_ + at);
    m_.and_mask = be16(p_ + at + 2);
    m_.or_mask = be16(p_ + at + 4);
    if (n_ > 6) m_.flags |= kModbusDataLength;
    return true;
  }
  std::string_view view(size_t from) const {
    return from >= n_ ? std::string_view() : std::string_view(reinterpret_cast<const char*>(p_ + from), n_ - from);
  }

  const uint8_t* p_;
  size_t n_;
  ModbusMessage& m_;
};

bool decodeRequest(Pdu& pdu, ModbusMessage& m) {
  const uint8_t code = modbusFunctionCode(m.function_raw);
  switch (code) {
    case kDiagnostic:
      if (pdu.size() != 4) m.flags |= kModbusDataLength;
      return pdu.diagnostic();
    case kMei: return pdu.mei();
    case kRdFileRec:
    case kWrFileRec:
      if (pdu.size() == 0) m.flags |= kModbusDataLength;
      break;
    case kRdExcStatus:
    case kGetCommEventCtr:
    case kGetCommEventLog:
    case kReportServerId:
      if (pdu.size() > 0) m.flags |= kModbusDataLength;
      break;
    case kRdFifoQueue:
      if (pdu.size() != 2) m.flags |= kModbusDataLength;
      break;
    default:
      if (m.access & kModbusRead) {
        if (!pdu.readRequest()) return false;
        return !(m.access & kModbusWrite) || pdu.writeRequest(4);
      }
      if (m.access & kModbusWrite) return pdu.writeRequest(0);
  }
  pdu.bytes();
  return true;
}

bool decodeResponse(Pdu& pdu, ModbusMessage& m) {
  if (m.function_raw & kExceptionBit) return pdu.exception();
  switch (modbusFunctionCode(m.function_raw)) {
    case kDiagnostic: return pdu.diagnostic();
    case kMei: return pdu.mei();
    case kRdExcStatus:
      if (pdu.size() != 1) m.flags |= kModbusDataLength;
      break;
    case kGetCommEventCtr:
      if (pdu.size() != 4) m.flags |= kModbusDataLength;
      break;
    default:
      if (m.access & kModbusRead) return pdu.readResponse();
      if (m.access & kModbusWrite) return pdu.writeResponse();
  }
  pdu.bytes();
  return true;
}

uint8_t categoryOf(const ModbusMessage& m) {
  if (m.isException()) return 0;
  const uint8_t code = modbusFunctionCode(m.function_raw);
  if (code == kDiagnostic) {
    return numberNameOf(kModbusDiagnosticNames, m.subfunction).empty() ? kModbusReserved : kModbusPublicAssigned;
  }
  if (code == kMei) return numberNameOf(kModbusMeiNames, m.subfunction).empty() ? kModbusReserved : kModbusPublicAssigned;
  return code == 0 ? unknownCategory(m.function_raw) : kModbusPublicAssigned;
}

}  // namespace

size_t ModbusMessageDecoder::aduSize(const uint8_t* data, size_t len) {
  if (len < ModbusMessage::kHeaderSize) return 0;
  return ModbusMessage::kHeaderSize - 1 + be16(data + 4);
}

ProbeResult ModbusMessageDecoder::probe(const uint8_t* data, size_t len) {
  if (len < ModbusMessage::kHeaderSize + 1) return ProbeResult::Unsure;
  const uint16_t length = be16(data + 4);
  return be16(data + 2) == 0 && length >= 2 && length <= kMaxPduLength ? ProbeResult::Match : ProbeResult::NoMatch;
}

bool ModbusMessageDecoder::decode(const uint8_t* data, size_t len, bool request, ModbusMessage& out) {
  if (len < ModbusMessage::kHeaderSize + 1) return false;
  out = ModbusMessage{};
  out.transaction_id = be16(data);
  out.protocol_id = be16(data + 2);
  out.length = be16(data + 4);
  if (out.protocol_id != 0 || out.length < 2 || aduSize(data, len) > len) return false;
  out.unit_id = data[6];
  out.function_raw = data[7];
  out.access = accessOf(modbusFunctionCode(out.function_raw));
  Pdu pdu(data + 8, out.length - 2u, out);
  if (!(request ? decodeRequest(pdu, out) : decodeResponse(pdu, out))) return false;
  out.category = categoryOf(out);
  return true;
}

}  // namespace mamori
