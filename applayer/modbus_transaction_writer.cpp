#include "applayer/modbus_transaction_writer.h"

#include "applayer/modbus_names.h"
#include "applayer/modbus_request_field.h"
#include "applayer/utf8_sequence.h"

namespace mamori {

bool ModbusTransactionWriter::answers(const ModbusOpenRequest& request, const ModbusMessage& response) {
  return request.transaction_id == response.transaction_id && request.unit_id == response.unit_id &&
         request.function_code == (response.function_raw & 0x7f);
}

void ModbusTransactionWriter::request(const ModbusMessage& m, ModbusOpenRequest& open, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "modbus";
  out.tx_id = open.tx_id;
  out.role = Direction::ToServer;
  out.logged = false;
  ModbusRequestField::of(m).encode(field_);
  out.add("modbus", field_);
  open.transaction_id = m.transaction_id;
  open.unit_id = m.unit_id;
  open.function_code = m.function_raw & 0x7f;
  message(m, open.eve);
}

void ModbusTransactionWriter::response(const ModbusMessage& m, const ModbusOpenRequest* open, uint64_t tx_id,
                                       ProtocolTransaction& out) {
  out.clear();
  out.role = Direction::ToClient;
  if (!open) raise(out.events, AppLayerEvent::ModbusUnsolicitedResponse);
  message(m, scratch_);
  whole(open, tx_id, &scratch_, out);
}

void ModbusTransactionWriter::unanswered(const ModbusOpenRequest& open, ProtocolTransaction& out) {
  out.clear();
  out.role = Direction::ToServer;
  whole(&open, open.tx_id, nullptr, out);
}

void ModbusTransactionWriter::whole(const ModbusOpenRequest* open, uint64_t tx_id, const std::string* response,
                                    ProtocolTransaction& out) {
  out.protocol = "modbus";
  out.tx_id = tx_id;
  eve_.begin();
  member("id", tx_id);
  if (open) {
    eve_.key("request");
    eve_.raw(open->eve);
  }
  if (response) {
    eve_.key("response");
    eve_.raw(*response);
  }
  eve_.finish(out.eve);
}

// Register and coil data as Suricata writes bytes: as text when they are UTF-8, else each byte
// from 0x80 up as the four characters \xNN.
void ModbusTransactionWriter::bytes(const char* key, std::string_view data) {
  eve_.key(key);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  bool utf8 = true;
  for (size_t i = 0, n = 0; i < data.size() && utf8; i += n) utf8 = (n = utf8SequenceLength(p + i, data.size() - i)) != 0;
  if (utf8) {
    eve_.string(data);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  bytes_text_.clear();
  for (const unsigned char c : data) {
    if (c < 0x80) {
      bytes_text_.push_back(static_cast<char>(c));
      continue;
    }
    bytes_text_ += "\\x";
    bytes_text_.push_back(kHex[c >> 4]);
    bytes_text_.push_back(kHex[c & 0xf]);
  }
  eve_.string(bytes_text_);
}

void ModbusTransactionWriter::member(const char* key, uint64_t value) {
  eve_.key(key);
  eve_.number(value);
}

// A flag set as Suricata writes it: the names of the flags (and composites) it holds, joined
// by " | "; NONE when it holds none.
void ModbusTransactionWriter::flags(const char* key, uint8_t value, const auto& names) {
  eve_.key(key);
  if (value == 0) {
    eve_.string("NONE");
    return;
  }
  std::string& text = flag_text_;
  text.clear();
  for (const ProtocolNumberName& n : names) {
    if ((value & n.value) != n.value) continue;
    if (!text.empty()) text += " | ";
    text += n.name;
  }
  eve_.string(text);
}

void ModbusTransactionWriter::message(const ModbusMessage& m, std::string& into) {
  using Data = ModbusMessage::Data;
  eve_.begin();
  member("transaction_id", m.transaction_id);
  member("protocol_id", m.protocol_id);
  member("unit_id", m.unit_id);
  member("function_raw", m.function_raw);
  const std::string_view function = numberNameOf(kModbusFunctionNames, modbusFunctionCode(m.function_raw));
  eve_.key("function_code");
  eve_.string(function.empty() ? "Unknown" : function);
  flags("access_type", m.access, kModbusAccessNames);
  flags("category", m.category, kModbusCategoryNames);
  flags("error_flags", m.flags, kModbusErrorFlagNames);
  const auto named = [&](const char* key, const auto& table, uint32_t raw, std::string_view fallback, bool with_data) {
    eve_.key(key);
    eve_.startObject();
    member("raw", raw);
    const std::string_view name = numberNameOf(table, raw);
    eve_.key("code");
    eve_.string(name.empty() ? fallback : name);
    if (with_data) bytes("data", m.bytes);
    eve_.endObject();
  };
  switch (m.data) {
    case Data::Exception: named("exception", kModbusExceptionNames, m.exception_code, "Unknown", false); break;
    case Data::Diagnostic: named("diagnostic", kModbusDiagnosticNames, m.subfunction, "Reserved", true); break;
    case Data::Mei: named("mei", kModbusMeiNames, m.subfunction, "Unknown", true); break;
    case Data::ReadRequest:
    case Data::ReadWrite:
      eve_.key("read");
      eve_.startObject();
      member("address", m.address);
      member("quantity", m.quantity);
      eve_.endObject();
      if (m.data == Data::ReadWrite) {
        eve_.key("write");
        eve_.startObject();
        member("address", m.write_address);
        eve_.endObject();
      }
      break;
    case Data::ReadResponse:
      eve_.key("read");
      eve_.startObject();
      bytes("data", m.bytes);
      eve_.endObject();
      break;
    // Suricata's EVE schema gives a write an address and one value: a multiple write's
    // quantity and values and a mask write's masks are not written.
    case Data::WriteSingle:
    case Data::WriteMultiple:
    case Data::WriteMask:
      eve_.key("write");
      eve_.startObject();
      member("address", m.address);
      if (m.data == Data::WriteSingle) member("data", m.value);
      eve_.endObject();
      break;
    case Data::Bytes: bytes("data", m.bytes); break;
    case Data::Empty: break;
  }
  eve_.finish(into);
}

}  // namespace mamori
