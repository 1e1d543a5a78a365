#pragma once
// JsonWriter: a rapidjson writer with its buffer, and the few shorthands the console's
// answers use. Strings are written as given (rapidjson escapes them; the formatter that
// made EVE text already replaced invalid UTF-8). One per answer, one thread.
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mamori {

namespace detail {
struct JsonBuffer {
  rapidjson::StringBuffer buffer;
};
}  // namespace detail

class JsonWriter : private detail::JsonBuffer, public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  JsonWriter() : rapidjson::Writer<rapidjson::StringBuffer>(buffer) {}

  void key(std::string_view k) { Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void str(std::string_view s) { String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  void field(std::string_view k, std::string_view s) {
    key(k);
    str(s);
  }
  void strings(std::string_view k, const std::vector<std::string>& list) {
    key(k);
    StartArray();
    for (const auto& s : list) str(s);
    EndArray();
  }
  // `json` is one complete JSON value that came out of a parser or a writer.
  void raw(std::string_view json) {
    RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }
  std::string text() const { return std::string(buffer.GetString(), buffer.GetSize()); }
};

}  // namespace mamori
