#pragma once
// ModbusMessage: one Modbus/TCP ADU (MBAP header and PDU) as ModbusMessageDecoder reads it,
// with what its function carries, as Suricata's parser (sawp-modbus) reads it: a read's address
// and quantity (a response: its data), a write's address and value, quantity and values, or
// masks, a diagnostic's sub-function, an MEI type, an exception code. `data` points into the
// decoded bytes: valid while they are.
#include <cstdint>
#include <string_view>

namespace mamori {

struct ModbusMessage {
  static constexpr size_t kHeaderSize = 7;  // MBAP: transaction, protocol, length, unit
  static constexpr size_t kMaxAdu = kHeaderSize - 1 + 0xffff;

  enum class Data : uint8_t {
    Empty, Exception, Diagnostic, Mei, ReadRequest, ReadResponse, WriteSingle, WriteMultiple, WriteMask,
    ReadWrite, Bytes,
  };

  uint16_t transaction_id = 0, protocol_id = 0, length = 0;
  uint8_t unit_id = 0;
  uint8_t function_raw = 0;
  uint8_t access = 0;    // kModbusRead | ... (applayer/modbus_names.h)
  uint8_t category = 0;  // kModbusPublicAssigned | ...; 0 for an exception
  uint8_t flags = 0;     // kModbusDataValue | ...
  Data data = Data::Empty;
  uint8_t exception_code = 0;
  uint16_t subfunction = 0;  // a diagnostic's sub-function or an MEI type
  uint16_t address = 0, quantity = 0;  // a read's, or a multiple write's
  uint16_t value = 0;                  // a single write's value; a multiple write response's quantity
  uint16_t write_address = 0;          // a read/write request's write part (address, quantity above are the read's)
  uint16_t write_quantity = 0;
  uint16_t and_mask = 0, or_mask = 0;
  std::string_view bytes;  // a multiple write's values, a read response's data, other functions' data

  bool isException() const { return data == Data::Exception; }
};

}  // namespace mamori
