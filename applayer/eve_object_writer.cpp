#include "applayer/eve_object_writer.h"

#include <charconv>

#include "applayer/utf8_sequence.h"

namespace mamori {

void EveObjectWriter::begin() {
  buffer_.Clear();
  writer_.Reset(buffer_);
  writer_.StartObject();
}

void EveObjectWriter::key(const char* name) { writer_.Key(name); }

void EveObjectWriter::string(std::string_view text) {
  scratch_.clear();
  appendValidUtf8(scratch_, text);
  writer_.String(scratch_.data(), static_cast<rapidjson::SizeType>(scratch_.size()));
}

void EveObjectWriter::number(uint64_t value) { writer_.Uint64(value); }
void EveObjectWriter::boolean(bool value) { writer_.Bool(value); }
void EveObjectWriter::startArray() { writer_.StartArray(); }
void EveObjectWriter::endArray() { writer_.EndArray(); }
void EveObjectWriter::startObject() { writer_.StartObject(); }
void EveObjectWriter::endObject() { writer_.EndObject(); }

void EveObjectWriter::raw(std::string_view json, char open, char close) {
  scratch_.clear();
  if (open) scratch_.push_back(open);
  scratch_.append(json);
  if (close) scratch_.push_back(close);
  writer_.RawValue(scratch_.data(), scratch_.size(), open == '[' ? rapidjson::kArrayType : rapidjson::kObjectType);
}

void EveObjectWriter::named(const char* key_name, std::string_view name, int64_t value) {
  key(key_name);
  if (!name.empty()) {
    string(name);
    return;
  }
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  string(std::string_view(digits, static_cast<size_t>(end - digits)));
}

void EveObjectWriter::text(const char* name, std::string_view value) {
  if (value.empty()) return;
  key(name);
  string(value);
}

void EveObjectWriter::finish(std::string& into) {
  writer_.EndObject();
  into.assign(buffer_.GetString(), buffer_.GetSize());
}

}  // namespace mamori
