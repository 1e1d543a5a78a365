#include "applayer/mqtt_message_writer.h"

#include "applayer/mqtt_names.h"
#include "applayer/number_name_of.h"

namespace mamori {

void MqttMessageWriter::fields(const MqttMessage& m, uint8_t version, ProtocolTransaction& record) {
  record.addNumber("mqtt.type", m.type);
  record.addNumber("mqtt.flags", m.flags);
  record.addNumber("mqtt.qos", m.qos());
  if (m.type == MqttMessage::kConnect) version = m.protocol_version;
  if (version != 0) record.addNumber("mqtt.protocol_version", version);
  if (m.truncated) return;
  if (m.reason_code) record.addNumber("mqtt.reason_code", *m.reason_code);
  switch (m.type) {
    case MqttMessage::kConnect:
      record.add("mqtt.connect.protocol_string", m.protocol_string);
      record.addNumber("mqtt.connect.flags", m.connect_flags);
      record.add("mqtt.connect.clientid", m.client_id);
      if (m.username) record.add("mqtt.connect.username", *m.username);
      if (m.password) record.add("mqtt.connect.password", *m.password);
      if (m.will_topic) record.add("mqtt.connect.willtopic", *m.will_topic);
      if (m.will_message) record.add("mqtt.connect.willmessage", *m.will_message);
      break;
    case MqttMessage::kConnack: record.addNumber("mqtt.connack.session_present", m.session_present ? 1 : 0); break;
    case MqttMessage::kPublish:
      record.add("mqtt.publish.topic", m.topic);
      record.add("mqtt.publish.message", m.message);
      break;
    case MqttMessage::kSubscribe:
      for (std::string_view t : m.topics) record.add("mqtt.subscribe.topic", t);
      break;
    case MqttMessage::kUnsubscribe:
      for (std::string_view t : m.topics) record.add("mqtt.unsubscribe.topic", t);
      break;
    default: break;
  }
}

void MqttMessageWriter::eve(const MqttMessage& m, std::string& parts) {
  const std::string_view key = numberNameOf(kMqttTypeKeys, m.type);
  if (m.type == MqttMessage::kUnassigned) return;  // Suricata writes nothing for it
  writer_.begin();
  writer_.key(key.data());
  writer_.startObject();
  writer_.key("qos");
  writer_.number(m.qos());
  writer_.key("retain");
  writer_.boolean(m.retain());
  writer_.key("dup");
  writer_.boolean(m.dup());
  const auto id = [&] {
    if (!m.message_id) return;
    writer_.key("message_id");
    writer_.number(*m.message_id);
  };
  const auto reason = [&](const char* name) {
    if (!m.reason_code) return;
    writer_.key(name);
    writer_.number(*m.reason_code);
  };
  if (m.truncated) {
    writer_.key("truncated");
    writer_.boolean(true);
    writer_.key("skipped_length");
    writer_.number(m.skipped);
  } else {
    switch (m.type) {
      case MqttMessage::kConnect:
        writer_.key("protocol_string");
        writer_.string(m.protocol_string);
        writer_.key("protocol_version");
        writer_.number(m.protocol_version);
        writer_.key("client_id");
        writer_.string(m.client_id);
        writer_.key("flags");
        writer_.startObject();
        for (const auto& [name, bit] : {std::pair{"username", 0x80}, std::pair{"password", 0x40},
                                        std::pair{"will_retain", 0x20}, std::pair{"will", 0x04},
                                        std::pair{"clean_session", 0x02}}) {
          writer_.key(name);
          writer_.boolean((m.connect_flags & bit) != 0);
        }
        writer_.endObject();
        if (m.username) {
          writer_.key("username");
          writer_.string(*m.username);
        }
        if (m.connect_flags & 0x04) {
          writer_.key("will");
          writer_.startObject();
          if (m.will_topic) {
            writer_.key("topic");
            writer_.string(*m.will_topic);
          }
          if (m.will_message) {
            writer_.key("message");
            writer_.string(*m.will_message);
          }
          writer_.endObject();
        }
        break;
      case MqttMessage::kConnack:
        writer_.key("session_present");
        writer_.boolean(m.session_present);
        reason("return_code");
        break;
      case MqttMessage::kPublish:
        writer_.key("topic");
        writer_.string(m.topic);
        id();
        writer_.key("message");
        writer_.string(m.message);
        break;
      case MqttMessage::kPuback:
      case MqttMessage::kPubrec:
      case MqttMessage::kPubrel:
      case MqttMessage::kPubcomp:
        id();
        reason("reason_code");
        break;
      case MqttMessage::kSubscribe:
        id();
        writer_.key("topics");
        writer_.startArray();
        for (size_t i = 0; i < m.topics.size(); ++i) {
          writer_.startObject();
          writer_.key("topic");
          writer_.string(m.topics[i]);
          writer_.key("qos");
          writer_.number(m.codes[i]);
          writer_.endObject();
        }
        writer_.endArray();
        break;
      case MqttMessage::kSuback:
      case MqttMessage::kUnsuback:
        id();
        if (m.type == MqttMessage::kSuback || !m.codes.empty()) {
          writer_.key(m.type == MqttMessage::kSuback ? "qos_granted" : "reason_codes");
          writer_.startArray();
          for (uint8_t c : m.codes) writer_.number(c);
          writer_.endArray();
        }
        break;
      case MqttMessage::kUnsubscribe:
        id();
        writer_.key("topics");
        writer_.startArray();
        for (std::string_view t : m.topics) writer_.string(t);
        writer_.endArray();
        break;
      case MqttMessage::kDisconnect:
      case MqttMessage::kAuth: reason("reason_code"); break;
      default: break;
    }
  }
  writer_.endObject();
  writer_.finish(scratch_);
  // scratch_ is {"key":{...}}: its inside joins the transaction's other packets.
  if (!parts.empty()) parts += ',';
  parts.append(scratch_, 1, scratch_.size() - 2);
}

}  // namespace mamori
