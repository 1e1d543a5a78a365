#pragma once
// MqttMessageWriter: what one MQTT packet (applayer/mqtt_message.h) adds to its transaction's
// record: its keyword fields, and its object in the EVE `mqtt` record as Suricata 8 writes it
// ("connect": {qos, retain, dup, protocol_string, ...}), kept as `"key":{...}` text so that a
// transaction's packets join into one object. Passwords stay out of EVE, as Suricata's
// default (log-passwords off) keeps them; version 5's properties are not written.
#include <string>

#include "applayer/eve_object_writer.h"
#include "applayer/mqtt_message.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

class MqttMessageWriter {
 public:
  // `version`: the session's protocol version, 0 before a CONNECT said it.
  static void fields(const MqttMessage& m, uint8_t version, ProtocolTransaction& record);
  // Appends the packet's `"key":{...}` to `parts` (comma-separated).
  void eve(const MqttMessage& m, std::string& parts);

 private:
  EveObjectWriter writer_;
  std::string scratch_;
};

}  // namespace mamori
