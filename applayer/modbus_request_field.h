#pragma once
// ModbusRequestField: what the `modbus` keyword (rules/modbus_keyword.h) inspects of a request,
// as one field of its record (ProtocolTransaction, "modbus"): unit, function, category,
// access type, a diagnostic's sub-function, the coils or registers it reads or writes (1-based,
// as Suricata compares addresses) and the values it writes. encode() and decode() are the one
// layout both sides read.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "applayer/modbus_message.h"
#include "applayer/modbus_names.h"

namespace mamori {

struct ModbusRequestField {
  uint8_t unit_id = 0, function_raw = 0, category = 0, access = 0;
  std::optional<uint16_t> subfunction;
  uint32_t first = 0, last = 0;  // the addresses touched, 1-based; none when first is 0
  enum Write : uint8_t { kNone, kSingle, kMultiple } write = kNone;
  uint16_t single = 0;     // a single write's value
  uint16_t write_start = 0;  // a multiple write's PDU address
  std::string_view values;   // a multiple write's values

  static ModbusRequestField of(const ModbusMessage& m) {
    using Data = ModbusMessage::Data;
    ModbusRequestField f;
    f.unit_id = m.unit_id;
    f.function_raw = m.function_raw;
    f.category = m.category;
    f.access = m.access;
    if (m.data == Data::Diagnostic) f.subfunction = m.subfunction;
    switch (m.data) {
      case Data::WriteSingle:
      case Data::WriteMask:
        f.first = f.last = m.address + 1u;
        f.write = m.data == Data::WriteSingle ? kSingle : kNone;
        f.single = m.value;
        break;
      case Data::ReadRequest:
      case Data::WriteMultiple:
        if (m.quantity) {
          f.first = m.address + 1u;
          f.last = static_cast<uint32_t>(m.address) + m.quantity;
        }
        f.write = m.data == Data::WriteMultiple ? kMultiple : kNone;
        f.write_start = m.address;
        f.values = m.bytes;
        break;
      case Data::ReadWrite:
        if (m.write_quantity) {
          f.first = m.write_address + 1u;
          f.last = static_cast<uint32_t>(m.write_address) + m.write_quantity;
        }
        f.write = kMultiple;
        f.write_start = m.write_address;
        f.values = m.bytes;
        break;
      default: break;
    }
    return f;
  }

  void encode(std::string& out) const {
    out.clear();
    for (const uint8_t b : {unit_id, function_raw, category, access, static_cast<uint8_t>(subfunction.has_value()),
                            static_cast<uint8_t>(write)}) {
      out.push_back(static_cast<char>(b));
    }
    for (const uint32_t v : {uint32_t{subfunction.value_or(0)}, first, last, uint32_t{single}, uint32_t{write_start}}) {
      for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
    }
    out.append(values);
  }

  static bool decode(std::string_view in, ModbusRequestField& f) {
    constexpr size_t kFixed = 6 + 5 * 4;
    if (in.size() < kFixed) return false;
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(in[i]); };
    const auto word = [&](size_t i) {
      const size_t at = 6 + i * 4;
      return static_cast<uint32_t>(byte(at)) << 24 | static_cast<uint32_t>(byte(at + 1)) << 16 |
             static_cast<uint32_t>(byte(at + 2)) << 8 | byte(at + 3);
    };
    f.unit_id = byte(0);
    f.function_raw = byte(1);
    f.category = byte(2);
    f.access = byte(3);
    f.subfunction.reset();
    if (byte(4)) f.subfunction = static_cast<uint16_t>(word(0));
    f.write = static_cast<Write>(byte(5));
    f.first = word(1);
    f.last = word(2);
    f.single = static_cast<uint16_t>(word(3));
    f.write_start = static_cast<uint16_t>(word(4));
    f.values = in.substr(kFixed);
    return true;
  }

  // The value the request writes at 1-based `address`, as Suricata reads it (a coil as 0 or 1).
  std::optional<uint16_t> writtenAt(uint16_t address) const {
    if (first == 0 || address < first || address > last) return std::nullopt;
    if (write == kSingle) return (access & kModbusCoils) ? uint16_t(single != 0) : single;
    if (write != kMultiple || write_start == 0xffff || write_start >= address) return std::nullopt;
    const size_t index = address - (write_start + 1u);
    size_t offset = index * 2;
    if (access & kModbusCoils) offset >>= 3;
    if (offset + 1 >= values.size()) return std::nullopt;
    auto value = static_cast<uint16_t>(static_cast<uint8_t>(values[offset]) << 8 | static_cast<uint8_t>(values[offset + 1]));
    if (access & kModbusCoils) value = static_cast<uint16_t>((value >> (index & 7)) & 1);
    return value;
  }
};

}  // namespace mamori
