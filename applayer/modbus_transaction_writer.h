#pragma once
// ModbusTransactionWriter: decoded Modbus/TCP messages (ModbusMessage) as the records detection
// and EVE take (ProtocolTransaction). A transaction is a request and the response with its
// transaction identifier, unit and function, as Suricata pairs them. The request is inspected
// as it arrives (its `modbus` field: applayer/modbus_request_field.h; its record not logged), the
// response ends the transaction and carries the EVE `modbus` object ({id, request: {...},
// response: {...}}, Suricata's names). A request nothing answers is written alone, a response
// no request asked for too (with modbus.unsolicited_response).
#include <cstdint>
#include <string>

#include "applayer/eve_object_writer.h"
#include "applayer/modbus_message.h"
#include "applayer/protocol_transaction.h"
#include "capture/direction.h"

namespace mamori {

struct ModbusOpenRequest {
  uint64_t tx_id = 0;
  uint16_t transaction_id = 0;
  uint8_t unit_id = 0, function_code = 0;
  Direction dir = Direction::ToServer;
  std::string eve;  // the request's EVE object
};

class ModbusTransactionWriter {
 public:
  void request(const ModbusMessage& m, ModbusOpenRequest& open, ProtocolTransaction& out);
  void response(const ModbusMessage& m, const ModbusOpenRequest* open, uint64_t tx_id, ProtocolTransaction& out);
  void unanswered(const ModbusOpenRequest& open, ProtocolTransaction& out);
  static bool answers(const ModbusOpenRequest& request, const ModbusMessage& response);

 private:
  void message(const ModbusMessage& m, std::string& into);
  void flags(const char* key, uint8_t value, const auto& names);
  void member(const char* key, uint64_t value);
  void bytes(const char* key, std::string_view data);
  void whole(const ModbusOpenRequest* open, uint64_t tx_id, const std::string* response, ProtocolTransaction& out);

  EveObjectWriter eve_;
  std::string scratch_;
  std::string field_;
  std::string flag_text_;
  std::string bytes_text_;
};

}  // namespace mamori
