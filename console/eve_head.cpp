#include "console/eve_head.h"

#include <charconv>

#include <rapidjson/memorystream.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/reader.h>

namespace mamori {
namespace {

enum class Field : uint8_t { Other, Host, Timestamp, FlowId, EventType };
constexpr unsigned kHostBit = 1, kTimeBit = 2, kFlowBit = 4, kTypeBit = 8;

Field fieldNamed(std::string_view name) {
  if (name == "host") return Field::Host;
  if (name == "timestamp") return Field::Timestamp;
  if (name == "flow_id") return Field::FlowId;
  if (name == "event_type") return Field::EventType;
  return Field::Other;
}

// Reader events of the top-level object only; everything deeper is read past.
class HeadHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, HeadHandler> {
 public:
  HeadHandler(EveHead& head, EveHeadRead read) : head_(head), read_(read) {}

  bool stopped = false;     // stopped on purpose, the head being read

  bool Default() { return scalar(); }
  bool Null() { return scalar(); }
  bool Bool(bool) { return scalar(); }
  bool Int(int i) { return i >= 0 ? number(static_cast<uint64_t>(i)) : scalar(); }
  bool Uint(unsigned u) { return number(u); }
  bool Int64(int64_t i) { return i >= 0 ? number(static_cast<uint64_t>(i)) : scalar(); }
  bool Uint64(uint64_t u) { return number(u); }
  bool Double(double) { return scalar(); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1) {
      const std::string_view text(s, n);
      if (take(Field::Host, kHostBit)) head_.host.assign(text);
      if (take(Field::Timestamp, kTimeBit)) head_.ts = parseEveTime(text).value_or(0);
      if (take(Field::EventType, kTypeBit)) head_.kind = eventKindFromName(text);
    }
    return scalar();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1) field_ = fieldNamed(std::string_view(s, n));
    return true;
  }
  bool StartObject() { return open(); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  // The root is an object (readEveHead looked), and one root only (the reader's check).
  bool open() {
    ++depth_;
    field_ = Field::Other;
    return true;
  }
  bool close() {
    --depth_;
    return done();
  }
  bool scalar() {
    field_ = Field::Other;
    return done();
  }
  bool number(uint64_t n) {
    if (depth_ == 1 && take(Field::FlowId, kFlowBit)) head_.flow_id = n;
    return scalar();
  }
  // True for the first value of `field` at the top level.
  bool take(Field field, unsigned bit) {
    if (field_ != field || (found_ & bit)) return false;
    found_ |= bit;
    return true;
  }
  bool done() {
    if (read_ == EveHeadRead::Head && (found_ & (kHostBit | kTimeBit | kFlowBit)) == (kHostBit | kTimeBit | kFlowBit)) {
      stopped = true;
      return false;
    }
    return true;
  }

  EveHead& head_;
  const EveHeadRead read_;
  int depth_ = 0;
  Field field_ = Field::Other;
  unsigned found_ = 0;
};

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The head of a record the producer checked, walked by hand: a central's console reads one
// for each of a hundred thousand records a second, where the reader's events cost ten times
// the walk. It gives up (nullopt) on anything it does not expect, escapes included, and the
// reader decides; it never reads past the text.
class HeadScan {
 public:
  explicit HeadScan(std::string_view s) : s_(s) {}

  std::optional<EveHead> run() {
    EveHead head;
    unsigned found = 0;
    if (!expect('{')) return std::nullopt;
    skipBlanks();
    if (peek() == '}') return head;
    while (true) {
      std::string_view key;
      if (!string(key) || !expect(':')) return std::nullopt;
      skipBlanks();
      const Field field = fieldNamed(key);
      const unsigned bit = field == Field::Host        ? kHostBit
                           : field == Field::Timestamp ? kTimeBit
                           : field == Field::FlowId    ? kFlowBit
                           : field == Field::EventType ? kTypeBit
                                                       : 0;
      const bool first = bit && !(found & bit);
      found |= bit;
      const char c = peek();
      if (c == '"') {
        std::string_view text;
        if (!string(text)) return std::nullopt;
        if (first && field == Field::Host) head.host.assign(text);
        if (first && field == Field::Timestamp) head.ts = parseEveTime(text).value_or(0);
        if (first && field == Field::EventType) head.kind = eventKindFromName(text);
      } else if (c == '{' || c == '[') {
        if (!skipNested()) return std::nullopt;
      } else {
        const size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && !blank(s_[i_])) ++i_;
        const std::string_view token = s_.substr(start, i_ - start);
        if (token.empty()) return std::nullopt;
        uint64_t n = 0;
        const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), n);
        if (first && field == Field::FlowId && error == std::errc() && end == token.data() + token.size()) {
          head.flow_id = n;
        }
      }
      if ((found & (kHostBit | kTimeBit | kFlowBit)) == (kHostBit | kTimeBit | kFlowBit)) return head;
      skipBlanks();
      if (peek() == '}') return head;
      if (!expect(',')) return std::nullopt;
      skipBlanks();
    }
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skipBlanks() {
    while (i_ < s_.size() && blank(s_[i_])) ++i_;
  }
  bool expect(char c) {
    skipBlanks();
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // A string of printable ASCII without escapes (what else the reader checks); its text
  // between the quotes.
  bool string(std::string_view& out) {
    if (!expect('"')) return false;
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '\\' || c < 0x20 || c > 0x7e) return false;
      ++i_;
    }
    if (i_ == s_.size()) return false;
    out = s_.substr(start, i_++ - start);
    return true;
  }
  // An object or array, strings in it skipped with their escapes; depth counted, not recursed.
  bool skipNested() {
    size_t depth = 0;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') {
        while (i_ < s_.size() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
        if (i_ >= s_.size()) return false;
        ++i_;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return false;
        if (--depth == 0) return true;
      }
    }
    return false;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<EveHead> readEveHead(std::string_view json, EveHeadRead read) {
  size_t first = 0;
  while (first < json.size() && blank(json[first])) ++first;
  if (first == json.size() || json[first] != '{') return std::nullopt;
  if (read == EveHeadRead::Head) {
    if (auto head = HeadScan(json).run()) return head;
  }
  EveHead head;
  HeadHandler handler(head, read);
  rapidjson::MemoryStream bytes(json.data(), json.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
  rapidjson::Reader reader;
  reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(in, handler);
  if (reader.HasParseError() && !handler.stopped) return std::nullopt;
  return head;
}

}  // namespace mamori
