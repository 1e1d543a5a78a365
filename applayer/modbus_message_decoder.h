#pragma once
// ModbusMessageDecoder: Modbus/TCP ADUs (MBAP header, then the PDU; Modbus application protocol
// 1.1b and Modbus messaging on TCP/IP 1.0b) into ModbusMessage, requests or responses by the
// side that sent them, as Suricata's parser decodes them, with its error flags (a quantity out
// of range, a byte count that disagrees, a length that does not fit the function) and
// categories (public assigned, unassigned, user-defined, reserved function codes).
#include <cstddef>
#include <cstdint>

#include "applayer/app_protocol.h"
#include "applayer/modbus_message.h"

namespace mamori {

class ModbusMessageDecoder {
 public:
  // The ADU's size (header and the length field's bytes); 0 when the header is not all there.
  static size_t aduSize(const uint8_t* data, size_t len);
  // Protocol identifier 0 and a length of at least 2 (unit and function) and at most 254.
  static ProbeResult probe(const uint8_t* data, size_t len);
  // Decodes one whole ADU. False when it is not one (a protocol identifier other than 0, a
  // length under 2, too few bytes, a PDU too short for its function).
  static bool decode(const uint8_t* data, size_t len, bool request, ModbusMessage& out);
};

}  // namespace mamori
