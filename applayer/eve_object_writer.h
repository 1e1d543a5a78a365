#pragma once
// EveObjectWriter: builds the EVE object of a plug-in protocol's record
// (ProtocolTransaction::eve) as JSON text. Traffic is hostile: every string is escaped
// (quotes, backslashes, control bytes) and each byte that is not well-formed UTF-8
// becomes U+FFFD, as the EVE formatter writes its own strings, so the line stays valid
// JSON whatever the packet held. Keys are the plug-in's literals.
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mamori {

class EveObjectWriter {
 public:
  // Starts a new object; finish() gives its text.
  void begin();
  void key(const char* name);
  void string(std::string_view text);
  void number(uint64_t value);
  void boolean(bool value);
  void startArray();
  void endArray();
  void startObject();
  void endObject();
  // A value this writer made before (finish()'s text, or such objects joined by commas
  // inside `open` / `close`), so a record can be put together from parts kept apart.
  void raw(std::string_view json, char open = 0, char close = 0);
  // key + `name`, or `value` in decimal when it has no name: a string either way, as
  // Suricata writes its protocols' numbered codes.
  void named(const char* key, std::string_view name, int64_t value);
  // key + string, left out when `text` is empty (as Suricata leaves out absent fields).
  void text(const char* name, std::string_view text);
  // Closes the object and puts its text in `into`.
  void finish(std::string& into);

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
  std::string scratch_;
};

}  // namespace mamori
