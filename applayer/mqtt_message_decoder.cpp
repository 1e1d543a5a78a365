#include "applayer/mqtt_message_decoder.h"

namespace mamori {
namespace {

// A cursor over a packet's bytes after its fixed header: each read fails once past the end.
class Reader {
 public:
  Reader(const uint8_t* data, size_t len) : data_(data), len_(len) {}
  size_t left() const { return len_ - at_; }
  bool u8(uint8_t& v) {
    if (left() < 1) return false;
    v = data_[at_++];
    return true;
  }
  bool u16(uint16_t& v) {
    if (left() < 2) return false;
    v = static_cast<uint16_t>(data_[at_] << 8 | data_[at_ + 1]);
    at_ += 2;
    return true;
  }
  bool bytes(size_t n, std::string_view& v) {
    if (left() < n) return false;
    v = std::string_view(reinterpret_cast<const char*>(data_ + at_), n);
    at_ += n;
    return true;
  }
  // A string or binary data: a 2-byte length and its bytes.
  bool prefixed(std::string_view& v) {
    uint16_t n = 0;
    return u16(n) && bytes(n, v);
  }
  bool varint(uint32_t& v) {
    v = 0;
    for (int i = 0; i < 4; ++i) {
      uint8_t b = 0;
      if (!u8(b)) return false;
      v |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  // Version 5's properties: their length, then as many bytes, stepped over.
  bool properties() {
    uint32_t n = 0;
    std::string_view skipped;
    return varint(n) && bytes(n, skipped);
  }
  std::string_view rest() {
    std::string_view v(reinterpret_cast<const char*>(data_ + at_), left());
    at_ = len_;
    return v;
  }

 private:
  const uint8_t* data_;
  size_t len_;
  size_t at_ = 0;
};

bool connect(Reader& r, MqttMessage& m) {
  uint16_t keep_alive = 0;
  if (!r.prefixed(m.protocol_string) || !r.u8(m.protocol_version) || !r.u8(m.connect_flags) || !r.u16(keep_alive)) {
    return false;
  }
  const bool v5 = m.protocol_version == 5;
  if (v5 && !r.properties()) return false;
  if (!r.prefixed(m.client_id)) return false;
  std::string_view v;
  if (m.connect_flags & 0x04) {
    if (v5 && !r.properties()) return false;
    if (!r.prefixed(v)) return false;
    m.will_topic = v;
    if (!r.prefixed(v)) return false;
    m.will_message = v;
  }
  if (m.connect_flags & 0x80) {
    if (!r.prefixed(v)) return false;
    m.username = v;
  }
  if (m.connect_flags & 0x40) {
    if (!r.prefixed(v)) return false;
    m.password = v;
  }
  return true;
}

// PUBACK, PUBREC, PUBREL, PUBCOMP: an id, and in version 5 a reason code and properties when
// the packet is long enough to hold them.
bool acknowledgement(Reader& r, bool v5, MqttMessage& m) {
  uint16_t id = 0;
  if (!r.u16(id)) return false;
  m.message_id = id;
  if (!v5 || r.left() == 0) return true;
  uint8_t code = 0;
  r.u8(code);
  m.reason_code = code;
  return r.left() == 0 || r.properties();
}

bool idAndProperties(Reader& r, bool v5, MqttMessage& m) {
  uint16_t id = 0;
  if (!r.u16(id)) return false;
  m.message_id = id;
  return !v5 || r.properties();
}

bool subscribe(Reader& r, bool v5, bool with_qos, MqttMessage& m) {
  if (!idAndProperties(r, v5, m)) return false;
  while (r.left() > 0) {
    std::string_view topic;
    uint8_t options = 0;
    if (!r.prefixed(topic) || (with_qos && !r.u8(options))) return false;
    if (m.topics.size() < MqttMessage::kMaxTopics) {
      m.topics.push_back(topic);
      if (with_qos) m.codes.push_back(options & 0x03);
    }
  }
  return true;
}

bool codes(Reader& r, MqttMessage& m) {
  const std::string_view rest = r.rest();
  for (size_t i = 0; i < rest.size() && i < MqttMessage::kMaxTopics; ++i) m.codes.push_back(static_cast<uint8_t>(rest[i]));
  return true;
}

// DISCONNECT and AUTH in version 5: a reason code and properties, each when there is room.
bool reasonAndProperties(Reader& r, bool v5, MqttMessage& m) {
  if (!v5 || r.left() == 0) return true;
  uint8_t code = 0;
  r.u8(code);
  m.reason_code = code;
  return r.left() == 0 || r.properties();
}

}  // namespace

void MqttMessage::clear() {
  type = flags = 0;
  remaining_length = 0;
  truncated = false;
  skipped = 0;
  protocol_string = {};
  protocol_version = connect_flags = 0;
  client_id = {};
  will_topic.reset();
  will_message.reset();
  username.reset();
  password.reset();
  session_present = false;
  reason_code.reset();
  topic = message = {};
  message_id.reset();
  topics.clear();
  codes.clear();
}

MqttMessageDecoder::Framing MqttMessageDecoder::frame(const uint8_t* data, size_t len, size_t& header_size,
                                                     uint64_t& packet_size) {
  uint32_t remaining = 0;
  for (size_t i = 1; i <= 4; ++i) {
    if (len <= i) return Framing::NeedMore;
    remaining |= static_cast<uint32_t>(data[i] & 0x7f) << (7 * (i - 1));
    if (!(data[i] & 0x80)) {
      header_size = i + 1;
      packet_size = header_size + remaining;
      return Framing::Complete;
    }
  }
  return Framing::Invalid;
}

bool MqttMessageDecoder::decode(const uint8_t* data, size_t size, size_t header_size, uint8_t version, MqttMessage& out) {
  out.clear();
  out.type = data[0] >> 4;
  out.flags = data[0] & 0x0f;
  out.remaining_length = static_cast<uint32_t>(size - header_size);
  Reader r(data + header_size, size - header_size);
  const bool v5 = version == 5;
  switch (out.type) {
    case MqttMessage::kConnect: return connect(r, out);
    case MqttMessage::kConnack: {
      uint8_t ack = 0, code = 0;
      if (!r.u8(ack) || !r.u8(code)) return false;
      out.session_present = (ack & 0x01) != 0;
      out.reason_code = code;
      return !v5 || r.left() == 0 || r.properties();
    }
    case MqttMessage::kPublish: {
      if (!r.prefixed(out.topic)) return false;
      if (out.qos() > 0) {
        uint16_t id = 0;
        if (!r.u16(id)) return false;
        out.message_id = id;
      }
      if (v5 && !r.properties()) return false;
      out.message = r.rest();
      return true;
    }
    case MqttMessage::kPuback:
    case MqttMessage::kPubrec:
    case MqttMessage::kPubrel:
    case MqttMessage::kPubcomp: return acknowledgement(r, v5, out);
    case MqttMessage::kSubscribe: return subscribe(r, v5, true, out);
    case MqttMessage::kUnsubscribe: return subscribe(r, v5, false, out);
    case MqttMessage::kSuback: return idAndProperties(r, v5, out) && codes(r, out);
    case MqttMessage::kUnsuback: return idAndProperties(r, v5, out) && (!v5 || codes(r, out));
    case MqttMessage::kDisconnect:
    case MqttMessage::kAuth: return reasonAndProperties(r, v5, out);
    default: return true;  // PINGREQ, PINGRESP, and type 0 (no layout)
  }
}

ProbeResult MqttMessageDecoder::probe(const uint8_t* data, size_t len) {
  size_t header_size = 0;
  uint64_t packet_size = 0;
  switch (frame(data, len, header_size, packet_size)) {
    case Framing::NeedMore: return ProbeResult::Unsure;
    case Framing::Invalid: return ProbeResult::NoMatch;
    case Framing::Complete: break;
  }
  const uint8_t type = data[0] >> 4, qos = (data[0] >> 1) & 0x03;
  return type == MqttMessage::kUnassigned || qos > 2 ? ProbeResult::NoMatch : ProbeResult::Match;
}

}  // namespace mamori
