#include "console/eve_head.h"

#include <charconv>

#include <rapidjson/memorystream.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/reader.h>

namespace mamori {
namespace {

// The top-level fields, as bits of what a walk has found.
enum Field : unsigned { kOther = 0, kHost = 1, kTimestamp = 2, kFlowId = 4, kEventType = 8 };
constexpr unsigned kHeadFields = kHost | kTimestamp | kFlowId;

Field fieldNamed(std::string_view name) {
  if (name == "host") return kHost;
  if (name == "timestamp") return kTimestamp;
  if (name == "flow_id") return kFlowId;
  if (name == "event_type") return kEventType;
  return kOther;
}

// What either walk found at the top level. Only a field's first value counts, whatever its
// type, as a parsed document's lookup finds it: `{"host":1,"host":"x"}` has no host.
class HeadFields {
 public:
  explicit HeadFields(EveHead& head) : head_(head) {}

  void text(Field field, std::string_view value) {
    if (!first(field)) return;
    if (field == kHost) head_.host.assign(value);
    if (field == kTimestamp) head_.ts = parseEveTime(value).value_or(0);
    if (field == kEventType) head_.kind = eventKindFromName(value);
  }
  void number(Field field, uint64_t value) {
    if (first(field) && field == kFlowId) head_.flow_id = value;
  }
  void other(Field field) { first(field); }  // a value of no use to the head
  bool complete() const { return (found_ & kHeadFields) == kHeadFields; }

 private:
  bool first(Field field) {
    if (found_ & field) return false;
    found_ |= field;
    return true;
  }

  EveHead& head_;
  unsigned found_ = 0;
};

// Reader events of the top-level object only; everything deeper is read past.
class HeadHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, HeadHandler> {
 public:
  HeadHandler(EveHead& head, EveHeadRead read) : fields_(head), read_(read) {}

  bool stopped = false;  // stopped on purpose, the head being read

  bool Default() { return value([&] { fields_.other(field_); }); }
  bool Null() { return Default(); }
  bool Bool(bool) { return Default(); }
  bool Int(int i) { return i >= 0 ? Uint64(static_cast<uint64_t>(i)) : Default(); }
  bool Uint(unsigned u) { return Uint64(u); }
  bool Int64(int64_t i) { return i >= 0 ? Uint64(static_cast<uint64_t>(i)) : Default(); }
  bool Uint64(uint64_t u) { return value([&] { fields_.number(field_, u); }); }
  bool Double(double) { return Default(); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return value([&] { fields_.text(field_, std::string_view(s, n)); });
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1) field_ = fieldNamed(std::string_view(s, n));
    return true;
  }
  // The root is an object (readEveHead looked), and one root only (the reader's check).
  bool StartObject() { return open(); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  // A scalar: taken when it is a top-level field's.
  template <typename Take>
  bool value(Take take) {
    if (depth_ == 1) take();
    return done();
  }
  bool open() {
    if (depth_ == 1) fields_.other(field_);
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return done();
  }
  bool done() {
    stopped = read_ == EveHeadRead::Head && fields_.complete();
    return !stopped;
  }

  HeadFields fields_;
  const EveHeadRead read_;
  int depth_ = 0;
  Field field_ = kOther;
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
    HeadFields fields(head);
    if (!expect('{')) return std::nullopt;
    skipBlanks();
    if (peek() == '}') return head;
    while (true) {
      std::string_view key;
      if (!string(key) || !expect(':')) return std::nullopt;
      skipBlanks();
      const Field field = fieldNamed(key);
      const char c = peek();
      if (c == '"') {
        std::string_view text;
        if (!string(text)) return std::nullopt;
        fields.text(field, text);
      } else if (c == '{' || c == '[') {
        if (!skipNested()) return std::nullopt;
        fields.other(field);
      } else {
        const size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && !blank(s_[i_])) ++i_;
        const std::string_view token = s_.substr(start, i_ - start);
        if (token.empty()) return std::nullopt;
        uint64_t n = 0;
        const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), n);
        if (error == std::errc() && end == token.data() + token.size()) {
          fields.number(field, n);
        } else {
          fields.other(field);
        }
      }
      if (fields.complete()) return head;
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
