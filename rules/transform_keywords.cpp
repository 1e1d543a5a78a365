// Transform keywords and their parameters (xor, from_base64, pcrexform, subslice,
// gunzip, zlib_deflate, the Public Suffix List of domain and tld), checked here so that
// inspection only has to run them.
#include "rules/keyword_support.h"

namespace mamori::keywords {
namespace {

using Kind = Transform::Kind;

constexpr TransformKeyword kKeywords[] = {
    {"to_lowercase", ValueRule::Forbidden},       {"to_uppercase", ValueRule::Forbidden},
    {"strip_whitespace", ValueRule::Forbidden},   {"compress_whitespace", ValueRule::Forbidden},
    {"dotprefix", ValueRule::Forbidden},          {"url_decode", ValueRule::Forbidden},
    {"xor", ValueRule::Required},                 {"from_base64", ValueRule::Optional},
    {"pcrexform", ValueRule::Required},           {"subslice", ValueRule::Required},
    {"gunzip", ValueRule::Optional},              {"zlib_deflate", ValueRule::Optional},
    {"to_md5", ValueRule::Forbidden},             {"to_sha1", ValueRule::Forbidden},
    {"to_sha256", ValueRule::Forbidden},          {"strip_pseudo_headers", ValueRule::Forbidden},
    {"header_lowercase", ValueRule::Forbidden},    {"domain", ValueRule::Forbidden},
    {"tld", ValueRule::Forbidden},
};

constexpr std::pair<std::string_view, Kind> kKinds[] = {
    {"to_lowercase", Kind::ToLowercase},
    {"to_uppercase", Kind::ToUppercase},
    {"strip_whitespace", Kind::StripWhitespace},
    {"compress_whitespace", Kind::CompressWhitespace},
    {"dotprefix", Kind::DotPrefix},
    {"url_decode", Kind::UrlDecode},
    {"xor", Kind::Xor},
    {"from_base64", Kind::FromBase64},
    {"pcrexform", Kind::Pcrexform},
    {"subslice", Kind::Subslice},
    {"gunzip", Kind::Gunzip},
    {"zlib_deflate", Kind::ZlibDeflate},
    {"to_md5", Kind::ToMd5},
    {"to_sha1", Kind::ToSha1},
    {"to_sha256", Kind::ToSha256},
    {"strip_pseudo_headers", Kind::StripPseudoHeaders},
    {"header_lowercase", Kind::HeaderLowercase},
    {"domain", Kind::Domain},
    {"tld", Kind::Tld},
};

// Suricata's output cap for a decompression transform whose rule sets none.
constexpr uint32_t kDefaultMaxDecompressed = 1024;
// The most a rule may ask for: every worker may hold that much per transform.
constexpr uint32_t kMaxDecompressed = 16u << 20;
// Suricata reads at most 255 key bytes.
constexpr size_t kMaxXorKey = 255;

// The whitespace-separated words of an item, with their offsets in the rule.
std::vector<ValueItem> words(const ValueItem& item) {
  std::vector<ValueItem> out;
  std::string_view text = item.text;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && isSpace(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !isSpace(text[i])) ++i;
    if (i > start) out.push_back({text.substr(start, i - start), item.offset + start});
  }
  return out;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool bounded(std::string_view text, int64_t min, int64_t max, int64_t& out) {
  return parseInt64(text, out) && out >= min && out <= max;
}

// xor:"hexkey" | xor:extract N OFFSET, each optionally after "offset START,": a fixed key,
// or N key bytes read at OFFSET of the buffer; decoding starts at START.
bool parseXor(OptionContext& ctx, const RawOption& o, Transform::Xor& out) {
  ValueItem key{o.value, o.value_offset};
  std::vector<ValueItem> lead = words(key);
  if (!lead.empty() && lead[0].text == "offset") {
    const size_t comma = o.value.find(',');
    if (comma == std::string_view::npos) return ctx.fail(lead[0].offset, "xor 'offset N' needs a key after a ','");
    std::vector<ValueItem> parts = splitItems(o.value, o.value_offset);
    std::vector<ValueItem> start = words(parts[0]);
    int64_t n = 0;
    if (start.size() != 2 || !bounded(start[1].text, 0, UINT32_MAX, n)) {
      return ctx.fail(parts[0].offset, "invalid xor offset '" + std::string(parts[0].text) + "'");
    }
    out.start = static_cast<uint32_t>(n);
    key = {trim(o.value.substr(comma + 1)), parts[1].offset};
  }
  std::vector<ValueItem> spec = words(key);
  if (spec.empty()) return ctx.fail(key.offset, "xor needs a key");
  if (spec[0].text == "extract") {
    int64_t length = 0, offset = 0;
    if (spec.size() != 3) return ctx.fail(spec[0].offset, "xor key must be written 'extract NBYTES OFFSET'");
    if (!bounded(spec[1].text, 1, kMaxXorKey, length)) {
      return ctx.fail(spec[1].offset, "invalid xor key length '" + std::string(spec[1].text) + "' (1 to 255)");
    }
    if (!bounded(spec[2].text, 0, UINT16_MAX, offset)) {
      return ctx.fail(spec[2].offset, "invalid xor key offset '" + std::string(spec[2].text) + "' (0 to 65535)");
    }
    out.key_length = static_cast<uint8_t>(length);
    out.key_offset = static_cast<uint16_t>(offset);
    return true;
  }
  if (spec[0].text == "var") {
    return ctx.fail(spec[0].offset, "xor:var (a key from byte_extract) is not supported");
  }
  std::string_view hex = key.text;
  size_t at = key.offset;
  if (hex.size() >= 2 && hex.front() == '"' && hex.back() == '"') {
    hex = hex.substr(1, hex.size() - 2);
    ++at;
  }
  if (hex.empty() || hex.size() % 2 != 0 || hex.size() / 2 > kMaxXorKey) {
    return ctx.fail(key.offset, "xor key must be 1 to 255 bytes of hex, two digits a byte");
  }
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hexDigit(hex[i]), lo = hexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return ctx.fail(at + i, "invalid hex in xor key '" + std::string(hex) + "'");
    out.key.push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

// from_base64[:bytes N][, offset N][, mode rfc4648|rfc2045|strict], each at most once.
bool parseFromBase64(OptionContext& ctx, const RawOption& o, Transform::FromBase64& out) {
  if (!o.has_value || o.value.empty()) return true;
  bool seen_bytes = false, seen_offset = false, seen_mode = false;
  for (const ValueItem& item : splitItems(o.value, o.value_offset)) {
    std::vector<ValueItem> kv = words(item);
    if (kv.size() != 2) return ctx.fail(item.offset, "invalid from_base64 option '" + std::string(item.text) + "'");
    bool* seen = kv[0].text == "bytes" ? &seen_bytes : kv[0].text == "offset" ? &seen_offset
                                                    : kv[0].text == "mode" ? &seen_mode : nullptr;
    if (!seen) return ctx.fail(item.offset, "unknown from_base64 option '" + std::string(kv[0].text) + "'");
    if (*seen) return ctx.fail(item.offset, "from_base64 '" + std::string(kv[0].text) + "' given twice");
    *seen = true;
    if (kv[0].text == "mode") {
      static constexpr std::pair<std::string_view, Transform::FromBase64::Mode> kModes[] = {
          {"rfc4648", Transform::FromBase64::Mode::Rfc4648},
          {"rfc2045", Transform::FromBase64::Mode::Rfc2045},
          {"strict", Transform::FromBase64::Mode::Strict},
      };
      auto mode = lookup(kModes, kv[1].text);
      if (!mode) return ctx.fail(kv[1].offset, "invalid from_base64 mode '" + std::string(kv[1].text) + "'");
      out.mode = *mode;
      continue;
    }
    int64_t n = 0;
    if (!bounded(kv[1].text, 0, UINT16_MAX, n)) {
      return ctx.fail(kv[1].offset, "invalid from_base64 " + std::string(kv[0].text) + " '" +
                                        std::string(kv[1].text) + "' (0 to 65535)");
    }
    (kv[0].text == "bytes" ? out.bytes : out.offset) = static_cast<uint32_t>(n);
  }
  return true;
}

// pcrexform:"regex": exactly one capture group, whose text becomes the buffer.
bool parsePcrexform(OptionContext& ctx, const RawOption& o, Transform::Pcrexform& out) {
  std::string_view value = o.value;
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    return ctx.fail(o.value_offset, "pcrexform needs a quoted \"regex\"");
  }
  std::string error;
  size_t error_offset = 0;
  out.regex = RuleRegex::compile(value.substr(1, value.size() - 2), 0, error, error_offset);
  if (!out.regex) return ctx.fail(o.value_offset + 1 + error_offset, "invalid pcrexform regex: " + error);
  if (out.regex->captureCount() != 1) {
    return ctx.fail(o.value_offset, "pcrexform needs exactly one capture group, found " +
                                        std::to_string(out.regex->captureCount()));
  }
  return true;
}

// subslice:OFFSET[, NBYTES][, truncate]; NBYTES is never 0.
bool parseSubslice(OptionContext& ctx, const RawOption& o, Transform::Subslice& out) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() > 1 && items.back().text == "truncate") {
    out.truncate = true;
    items.pop_back();
  }
  if (items.size() > 2) return ctx.fail(o.value_offset, "subslice takes OFFSET[, NBYTES][, truncate]");
  constexpr int64_t kLimit = INT32_MAX;
  int64_t n = 0;
  if (!bounded(items[0].text, -kLimit, kLimit, n)) {
    return ctx.fail(items[0].offset, "invalid subslice offset '" + std::string(items[0].text) + "'");
  }
  out.offset = n;
  if (items.size() == 2) {
    if (!bounded(items[1].text, -kLimit, kLimit, n) || n == 0) {
      return ctx.fail(items[1].offset, "invalid subslice length '" + std::string(items[1].text) + "' (not 0)");
    }
    out.length = n;
  }
  return true;
}

// gunzip / zlib_deflate[:max-size N].
bool parseDecompress(OptionContext& ctx, const RawOption& o, Transform::Decompress& out) {
  out.max_size = kDefaultMaxDecompressed;
  if (!o.has_value || o.value.empty()) return true;
  std::vector<ValueItem> kv = words({o.value, o.value_offset});
  int64_t n = 0;
  if (kv.size() != 2 || kv[0].text != "max-size") {
    return ctx.fail(o.value_offset, "'" + std::string(o.name) + "' takes only 'max-size N'");
  }
  if (!bounded(kv[1].text, 1, kMaxDecompressed, n)) {
    return ctx.fail(kv[1].offset, "invalid max-size '" + std::string(kv[1].text) + "' (1 to " +
                                      std::to_string(kMaxDecompressed) + ")");
  }
  out.max_size = static_cast<uint32_t>(n);
  return true;
}

// domain, tld: the system's Public Suffix List, read once.
bool parseSuffixes(OptionContext& ctx, const RawOption& o, Transform::Suffixes& out) {
  out.list = PublicSuffixList::system();
  if (out.list) return true;
  return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' needs the Public Suffix List at " +
                                     PublicSuffixList::kSystemPath + " (Debian package publicsuffix)");
}

template <typename Params, typename Parse>
bool parseInto(OptionContext& ctx, const RawOption& o, Transform& out, Parse parse) {
  Params params;
  if (!parse(ctx, o, params)) return false;
  out.params = std::move(params);
  return true;
}

}  // namespace

std::span<const TransformKeyword> transformKeywords() { return kKeywords; }

bool parseTransform(OptionContext& ctx, const RawOption& o, Transform& out) {
  out.kind = *lookup(kKinds, o.name);
  switch (out.kind) {
    case Kind::Xor: return parseInto<Transform::Xor>(ctx, o, out, parseXor);
    case Kind::FromBase64: return parseInto<Transform::FromBase64>(ctx, o, out, parseFromBase64);
    case Kind::Pcrexform: return parseInto<Transform::Pcrexform>(ctx, o, out, parsePcrexform);
    case Kind::Subslice: return parseInto<Transform::Subslice>(ctx, o, out, parseSubslice);
    case Kind::Gunzip:
    case Kind::ZlibDeflate: return parseInto<Transform::Decompress>(ctx, o, out, parseDecompress);
    case Kind::Domain:
    case Kind::Tld: return parseInto<Transform::Suffixes>(ctx, o, out, parseSuffixes);
    default: return true;
  }
}

}  // namespace mamori::keywords
