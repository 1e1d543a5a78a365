#include "uplink/link_protocol.h"

#include <cstring>


namespace mamori::link {

bool send(zmq::socket_t& socket, Frames& frames) {
  for (size_t i = 0; i < frames.size(); ++i) {
    const bool last = i + 1 == frames.size();
    auto flags = zmq::send_flags::dontwait | (last ? zmq::send_flags::none : zmq::send_flags::sndmore);
    // A multipart message goes whole once its first frame is taken, so only the first send
    // can be refused for a full queue.
    if (!socket.send(frames[i], flags)) return false;
  }
  return true;
}

std::optional<Frames> receive(zmq::socket_t& socket) {
  Frames frames;
  zmq::message_t part;
  if (!socket.recv(part, zmq::recv_flags::dontwait)) return std::nullopt;
  // The rest of a message is already there once its first frame is.
  size_t bytes = part.size();
  bool over = false;
  for (;;) {
    const bool more = part.more();
    if (!over) frames.push_back(std::move(part));
    if (!more) break;
    part = zmq::message_t();
    (void)socket.recv(part, zmq::recv_flags::none);
    bytes += part.size();
    over = over || frames.size() >= kMaxMessageFrames || bytes > kMaxMessageBytes;
  }
  if (over) frames.clear();
  return frames;
}

zmq::message_t frame(std::string_view text) { return zmq::message_t(text.data(), text.size()); }

zmq::message_t u64Frame(uint64_t value) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
  return zmq::message_t(bytes, sizeof bytes);
}

std::optional<uint64_t> readU64(const zmq::message_t& f) {
  if (f.size() != 8) return std::nullopt;
  const auto* b = static_cast<const unsigned char*>(f.data());
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

std::string_view view(const zmq::message_t& f) { return {static_cast<const char*>(f.data()), f.size()}; }

std::optional<rapidjson::Document> readJson(const zmq::message_t& f) {
  rapidjson::Document doc;
  doc.Parse(static_cast<const char*>(f.data()), f.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  return doc;
}

std::string jsonString(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

uint64_t jsonUint(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

double jsonDouble(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : 0;
}

std::vector<std::string> jsonStrings(const rapidjson::Value& object, const char* name) {
  std::vector<std::string> out;
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) {
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

zmq::message_t recordsHeader(uint64_t first_seq, uint32_t count) {
  unsigned char bytes[12];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(first_seq >> (8 * i));
  for (int i = 0; i < 4; ++i) bytes[8 + i] = static_cast<unsigned char>(count >> (8 * i));
  return zmq::message_t(bytes, sizeof bytes);
}

std::optional<RecordsHeader> readRecordsHeader(const zmq::message_t& f) {
  if (f.size() != 12) return std::nullopt;
  const auto* b = static_cast<const unsigned char*>(f.data());
  RecordsHeader h;
  for (int i = 7; i >= 0; --i) h.first_seq = (h.first_seq << 8) | b[i];
  for (int i = 3; i >= 0; --i) h.count = (h.count << 8) | b[8 + i];
  return h;
}

zmq::message_t packRecords(const std::vector<PackedRecord>& records) {
  size_t size = 0;
  for (const PackedRecord& r : records) size += 5 + r.json.size();
  zmq::message_t m(size);
  auto* p = static_cast<unsigned char*>(m.data());
  for (const PackedRecord& r : records) {
    *p++ = static_cast<unsigned char>(r.kind.value_or(EventKind::Alert));
    const auto length = static_cast<uint32_t>(r.json.size());
    for (int i = 0; i < 4; ++i) *p++ = static_cast<unsigned char>(length >> (8 * i));
    std::memcpy(p, r.json.data(), r.json.size());
    p += r.json.size();
  }
  return m;
}

bool unpackRecords(const zmq::message_t& frame, uint32_t count, std::vector<PackedRecord>& out) {
  out.clear();
  const auto* p = static_cast<const unsigned char*>(frame.data());
  size_t left = frame.size();
  while (left > 0) {
    if (left < 5 || out.size() == count) return false;
    const uint8_t kind = p[0];
    const uint32_t length = uint32_t(p[1]) | uint32_t(p[2]) << 8 | uint32_t(p[3]) << 16 | uint32_t(p[4]) << 24;
    p += 5;
    left -= 5;
    if (length > left) return false;
    PackedRecord r;
    if (kind < std::size(kEventKinds)) r.kind = static_cast<EventKind>(kind);
    r.json = std::string_view(reinterpret_cast<const char*>(p), length);
    out.push_back(r);
    p += length;
    left -= length;
  }
  return out.size() == count;
}

void appendFiles(Frames& frames, const RuleSetPackage& package) {
  for (const RuleSetFile& f : package.files) {
    frames.push_back(frame(f.name));
    frames.push_back(frame(f.text));
  }
}

std::optional<std::vector<RuleSetFile>> readFiles(const Frames& frames, size_t at) {
  if (at > frames.size() || (frames.size() - at) % 2 != 0) return std::nullopt;
  std::vector<RuleSetFile> files;
  for (size_t i = at; i < frames.size(); i += 2) {
    files.push_back({std::string(view(frames[i])), std::string(view(frames[i + 1]))});
  }
  return files;
}

JsonFrame& JsonFrame::str(const char* key, std::string_view value) {
  w_.Key(key);
  w_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  return *this;
}

JsonFrame& JsonFrame::num(const char* key, uint64_t value) {
  w_.Key(key);
  w_.Uint64(value);
  return *this;
}

JsonFrame& JsonFrame::real(const char* key, double value) {
  w_.Key(key);
  w_.Double(value);
  return *this;
}

JsonFrame& JsonFrame::flag(const char* key, bool value) {
  w_.Key(key);
  w_.Bool(value);
  return *this;
}

JsonFrame& JsonFrame::strings(const char* key, const std::vector<std::string>& values) {
  w_.Key(key);
  w_.StartArray();
  for (const auto& v : values) w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  w_.EndArray();
  return *this;
}

zmq::message_t JsonFrame::done() {
  w_.EndObject();
  return zmq::message_t(buffer_.GetString(), buffer_.GetSize());
}

void writeErrors(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<std::string>& errors, size_t max) {
  w.Key("errors");
  w.StartArray();
  for (size_t i = 0; i < errors.size() && i < max; ++i) {
    w.String(errors[i].data(), static_cast<rapidjson::SizeType>(errors[i].size()));
  }
  if (errors.size() > max) {
    const std::string more = "... and " + std::to_string(errors.size() - max) + " more";
    w.String(more.data(), static_cast<rapidjson::SizeType>(more.size()));
  }
  w.EndArray();
}

}  // namespace mamori::link
