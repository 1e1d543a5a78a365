// Keywords that inspect the payload: content and its modifiers, pcre, isdataat and the
// byte_* family. They form one chain in rule order (Rule::payload), or one per buffer
// after a sticky-buffer keyword (ipv4.hdr, tcp.hdr, ... here; app-layer ones in
// app_keywords.cpp).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cctype>

#include "rules/keyword_support.h"

namespace mamori::keywords {
namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// content:[!]"text|48 45 58|text" with escapes \" \; \\ \: outside the hex blocks.
bool parseContent(std::string_view value, size_t offset, ContentMatch& out, ParseFailure& failure) {
  size_t pos = 0;
  if (pos < value.size() && value[pos] == '!') {
    out.negated = true;
    ++pos;
    while (pos < value.size() && isSpace(value[pos])) ++pos;
  }
  if (pos >= value.size() || value[pos] != '"') {
    failure = {offset + pos, "content needs a quoted string"};
    return false;
  }
  size_t open = pos++;
  bool hex = false, closed = false;
  int high_nibble = -1;
  for (; pos < value.size(); ++pos) {
    char c = value[pos];
    if (hex) {
      if (c == '"') {
        failure = {offset + pos, "unterminated hex block in content"};
        return false;
      }
      if (c == '|') {
        if (high_nibble >= 0) {
          failure = {offset + pos, "odd number of hex digits in content"};
          return false;
        }
        hex = false;
      } else if (int d = hexDigit(c); d >= 0) {
        if (high_nibble < 0) {
          high_nibble = d;
        } else {
          out.bytes.push_back(static_cast<char>(high_nibble << 4 | d));
          high_nibble = -1;
        }
      } else if (!isSpace(c)) {
        failure = {offset + pos, "invalid character '" + std::string(1, c) + "' in hex block"};
        return false;
      }
    } else if (c == '|') {
      hex = true;
    } else if (c == '\\') {
      char next = pos + 1 < value.size() ? value[pos + 1] : '\0';
      if (next != '"' && next != ';' && next != '\\' && next != ':') {
        failure = {offset + pos, "invalid escape in content (only \\\" \\; \\\\ \\: are allowed)"};
        return false;
      }
      out.bytes.push_back(next);
      ++pos;
    } else if (c == '"') {
      closed = true;
      ++pos;
      break;
    } else {
      out.bytes.push_back(c);
    }
  }
  if (hex) {
    failure = {offset + pos, "unterminated hex block in content"};
    return false;
  }
  if (!closed) {
    failure = {offset + open, "missing closing '\"'"};
    return false;
  }
  if (pos != value.size()) {
    failure = {offset + pos, "unexpected text after content string"};
    return false;
  }
  if (out.bytes.empty()) {
    failure = {offset + open, "empty content"};
    return false;
  }
  return true;
}

namespace {

bool applyContent(OptionContext& ctx, const RawOption& o) {
  ContentMatch content;
  if (!parseContent(o.value, o.value_offset, content, ctx.failure)) return false;
  ctx.addContent(ctx.current, std::move(content));
  return true;
}

// uricontent: a content of the normalised URI; the sticky buffer in force stays.
bool applyUriContent(OptionContext& ctx, const RawOption& o) {
  if (!ctx.mayLeaveChain(o)) return false;
  ContentMatch content;
  if (!parseContent(o.value, o.value_offset, content, ctx.failure)) return false;
  ctx.addContent(ctx.appBuffer(AppBufferId::HttpUri), std::move(content));
  return true;
}

// The content a modifier applies to, or a failure naming the modifier.
ContentMatch* modified(OptionContext& ctx, const RawOption& o) {
  ContentMatch* c = ctx.lastContent();
  if (!c) ctx.fail(o.name_offset, "'" + std::string(o.name) + "' needs a preceding 'content'");
  return c;
}

bool applyNocase(OptionContext& ctx, const RawOption& o) {
  ContentMatch* c = modified(ctx, o);
  if (!c) return false;
  c->nocase = true;
  return true;
}

// depth / offset / distance / within: a number or a byte_extract variable, once each;
// absolute (depth, offset) and relative (distance, within) placement do not mix.
bool applyPlacement(OptionContext& ctx, const RawOption& o) {
  ContentMatch* c = modified(ctx, o);
  if (!c) return false;
  const bool relative = o.name == "distance" || o.name == "within";
  bool& present = o.name == "depth" ? c->has_depth : o.name == "offset" ? c->has_offset
                  : o.name == "distance" ? c->has_distance : c->has_within;
  RuleValue& value = o.name == "depth" ? c->depth : o.name == "offset" ? c->offset
                     : o.name == "distance" ? c->distance : c->within;
  if (present) return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' given twice for one content");
  if (c->startswith) return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' cannot be combined with 'startswith'");
  if (relative ? (c->has_depth || c->has_offset) : c->relative()) {
    return ctx.fail(o.name_offset, "'" + std::string(o.name) +
                                       "' mixes absolute (depth, offset) and relative (distance, within) placement");
  }
  if (!parseRuleValue(ctx, {o.value, o.value_offset}, o.name, value)) return false;
  if (value.variable >= 0) {
    present = true;
    return true;
  }
  if (value.value < 0 && o.name != "distance") {
    return ctx.fail(o.value_offset, "'" + std::string(o.name) + "' must not be negative");
  }
  if ((o.name == "depth" || o.name == "within") && static_cast<uint64_t>(value.value) < c->bytes.size()) {
    return ctx.fail(o.value_offset, "'" + std::string(o.name) + "' " + std::to_string(value.value) +
                                        " is shorter than its content (" + std::to_string(c->bytes.size()) + " bytes)");
  }
  present = true;
  return true;
}

bool applyAnchor(OptionContext& ctx, const RawOption& o) {
  ContentMatch* c = modified(ctx, o);
  if (!c) return false;
  bool& flag = o.name == "startswith" ? c->startswith : c->endswith;
  if (flag) return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' given twice for one content");
  if (o.name == "startswith" && (c->has_depth || c->has_offset || c->relative())) {
    return ctx.fail(o.name_offset, "'startswith' cannot be combined with depth, offset, distance or within");
  }
  flag = true;
  return true;
}

bool applyFastPattern(OptionContext& ctx, const RawOption& o) {
  ContentMatch* c = modified(ctx, o);
  if (!c) return false;
  // One fast pattern per rule, whichever buffers its contents are in.
  auto marked = [](const std::vector<PayloadMatch>& chain) {
    return std::any_of(chain.begin(), chain.end(), [](const PayloadMatch& m) {
      const auto* other = std::get_if<ContentMatch>(&m);
      return other && other->fast_pattern;
    });
  };
  bool taken = marked(ctx.rule.payload);
  for (const HeaderBufferMatch& h : ctx.rule.header_buffers) taken |= marked(h.matches);
  for (const AppBufferMatch& a : ctx.rule.app_buffers) taken |= marked(a.matches);
  if (taken) return ctx.fail(o.name_offset, "'fast_pattern' set on more than one content");
  if (o.has_value && o.value == "only") {
    if (c->negated) return ctx.fail(o.value_offset, "'fast_pattern:only' cannot be used on a negated content");
    c->fast_pattern_only = true;
  } else if (o.has_value) {
    std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
    if (items.size() != 2 || !parseUint32(items[0].text, c->chop_offset) ||
        !parseUint32(items[1].text, c->chop_length) || c->chop_length == 0) {
      return ctx.fail(o.value_offset, "invalid fast_pattern '" + std::string(o.value) +
                                          "' (only, or offset,length)");
    }
    if (uint64_t{c->chop_offset} + c->chop_length > c->bytes.size()) {
      return ctx.fail(o.value_offset, "fast_pattern slice " + std::string(o.value) + " runs past its content (" +
                                          std::to_string(c->bytes.size()) + " bytes)");
    }
  }
  c->fast_pattern = true;
  return true;
}

// Keywords Suricata accepts that change nothing here: rawbytes (no preprocessor rewrites
// payloads) and prefilter (which keyword feeds the prefilter is the engine's choice).
bool applyNothing(OptionContext&, const RawOption&) { return true; }

bool applyPktData(OptionContext& ctx, const RawOption& o) {
  if (!ctx.mayLeaveChain(o)) return false;
  ctx.current = {};
  return true;
}

// ipv4.hdr, tcp.hdr, ...: the payload keywords after it inspect that header.
bool applyHeaderBuffer(OptionContext& ctx, const RawOption& o) {
  static const std::pair<std::string_view, HeaderBuffer> kBuffers[] = {
      {"ipv4.hdr", HeaderBuffer::Ipv4}, {"ipv6.hdr", HeaderBuffer::Ipv6},     {"tcp.hdr", HeaderBuffer::Tcp},
      {"udp.hdr", HeaderBuffer::Udp},   {"icmpv4.hdr", HeaderBuffer::Icmpv4}, {"icmpv6.hdr", HeaderBuffer::Icmpv6},
      {"ether.hdr", HeaderBuffer::Ether},
  };
  if (!ctx.mayLeaveChain(o)) return false;
  const HeaderBuffer buffer = *lookup(kBuffers, o.name);
  auto& buffers = ctx.rule.header_buffers;
  auto it = std::find_if(buffers.begin(), buffers.end(), [&](const HeaderBufferMatch& m) { return m.buffer == buffer; });
  if (it == buffers.end()) it = buffers.insert(buffers.end(), HeaderBufferMatch{buffer, {}});
  ctx.current = {static_cast<int>(it - buffers.begin()), false};
  return true;
}

bool applyIsDataAt(OptionContext& ctx, const RawOption& o) {
  IsDataAt check;
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  ValueItem first = items[0];
  if (!first.text.empty() && first.text.front() == '!') {
    check.negated = true;
    first.text = trim(first.text.substr(1));
    ++first.offset;
  }
  if (!parseRuleValue(ctx, first, "isdataat position", check.position)) return false;
  if (check.position.variable < 0 && check.position.value < 0) {
    return ctx.fail(first.offset, "isdataat position must not be negative");
  }
  for (size_t i = 1; i < items.size(); ++i) {
    if (items[i].text == "relative") {
      check.relative = true;
    } else if (items[i].text != "rawbytes") {
      return ctx.fail(items[i].offset, "invalid isdataat option '" + std::string(items[i].text) + "'");
    }
  }
  ctx.chain().emplace_back(check);
  return true;
}

// ---- asn1:OPTION[, OPTION]... (commas or spaces between them) ----

// Always on the packet's payload, whatever sticky buffer is in force, as in Suricata.
bool applyAsn1(OptionContext& ctx, const RawOption& o) {
  Asn1Check check;
  bool any = false;
  const std::string_view v = o.value;
  size_t i = 0;
  auto word = [&](size_t& at) {
    while (i < v.size() && (v[i] == ',' || std::isspace(static_cast<unsigned char>(v[i])))) ++i;
    at = i;
    while (i < v.size() && v[i] != ',' && !std::isspace(static_cast<unsigned char>(v[i]))) ++i;
    return v.substr(at, i - at);
  };
  for (;;) {
    size_t at = 0;
    const std::string_view name = word(at);
    if (name.empty()) break;
    if (name == "bitstring_overflow") {
      check.bitstring_overflow = true;
    } else if (name == "double_overflow") {
      check.double_overflow = true;
    } else if (name == "oversize_length" || name == "absolute_offset" || name == "relative_offset") {
      size_t num_at = 0;
      const std::string_view num = word(num_at);
      int64_t n = 0;
      const int64_t min = name == "relative_offset" ? -65535 : 0;
      const int64_t max = name == "oversize_length" ? UINT32_MAX : 65535;
      if (!parseInt64(num, n) || n < min || n > max) {
        return ctx.fail(o.value_offset + num_at, "asn1 " + std::string(name) + " needs a number in " +
                                                     std::to_string(min) + ".." + std::to_string(max));
      }
      if (name == "oversize_length") check.oversize_length = static_cast<uint32_t>(n);
      else if (name == "absolute_offset") check.absolute_offset = static_cast<uint16_t>(n);
      else check.relative_offset = static_cast<int32_t>(n);
    } else {
      return ctx.fail(o.value_offset + at, "invalid asn1 option '" + std::string(name) +
                                               "' (bitstring_overflow, double_overflow, oversize_length N, "
                                               "absolute_offset N, relative_offset N)");
    }
    any = true;
  }
  if (!any) return ctx.fail(o.value_offset, "asn1 needs an option");
  ctx.chainOf({}).emplace_back(check);
  return true;
}

// ---- pcre:[!]"/regex/flags" ----

bool applyPcre(OptionContext& ctx, const RawOption& o) {
  PcreMatch match;
  std::optional<AppBufferId> target;
  std::string_view value = o.value;
  size_t offset = o.value_offset;
  if (!value.empty() && value.front() == '!') {
    match.negated = true;
    value = trim(value.substr(1));
    offset = o.value_offset + (o.value.size() - value.size());
  }
  // Suricata takes the regex quoted or not.
  const bool quoted = value.size() >= 2 && value.front() == '"' && value.back() == '"';
  std::string_view body = quoted ? value.substr(1, value.size() - 2) : value;
  if (quoted) ++offset;
  size_t last = body.rfind('/');
  if (body.empty() || body.front() != '/' || last == 0 || last == std::string_view::npos) {
    return ctx.fail(offset, "pcre must be written \"/regex/flags\"");
  }
  std::string_view pattern = body.substr(1, last - 1);
  std::string_view flags = body.substr(last + 1);
  // ",pkt:NAME" / ",flow:NAME" after the flags name variables for the captures (Suricata's
  // pktvar / flowvar): checked, but no keyword reads such variables here, so they are not kept.
  if (const size_t comma = flags.find(','); comma != std::string_view::npos) {
    std::string_view names = flags.substr(comma + 1);
    flags = flags.substr(0, comma);
    while (!names.empty()) {
      const size_t end = std::min(names.find(','), names.size());
      const std::string_view name = trim(names.substr(0, end));
      const size_t colon = name.find(':');
      const std::string_view scope = name.substr(0, colon);
      if (colon == std::string_view::npos || colon + 1 == name.size() || (scope != "pkt" && scope != "flow")) {
        return ctx.fail(offset + last + 1 + comma, "pcre capture names are pkt:NAME or flow:NAME");
      }
      names.remove_prefix(std::min(end + 1, names.size()));
    }
  }
  uint32_t options = 0;
  for (size_t i = 0; i < flags.size(); ++i) {
    size_t at = offset + last + 1 + i;
    switch (flags[i]) {
      case 'i': options |= PCRE2_CASELESS; break;
      case 's': options |= PCRE2_DOTALL; break;
      case 'm': options |= PCRE2_MULTILINE; break;
      case 'x': options |= PCRE2_EXTENDED; break;
      case 'A': options |= PCRE2_ANCHORED; break;
      case 'E': options |= PCRE2_DOLLAR_ENDONLY; break;
      case 'G': options |= PCRE2_UNGREEDY; break;
      case 'R': match.relative = true; break;
      case 'B': case 'O': break;  // rawbytes; match-limit override (PCRE2's defaults stand)
      default: {
        // The HTTP flags put the regex into a buffer, as a legacy content modifier does.
        static constexpr std::pair<char, AppBufferId> kBuffers[] = {
            {'U', AppBufferId::HttpUri}, {'I', AppBufferId::HttpUriRaw}, {'P', AppBufferId::HttpRequestBody},
            {'Q', AppBufferId::FileData}, {'H', AppBufferId::HttpHeader}, {'D', AppBufferId::HttpHeaderRaw},
            {'M', AppBufferId::HttpMethod}, {'C', AppBufferId::HttpCookie}, {'S', AppBufferId::HttpStatCode},
            {'Y', AppBufferId::HttpStatMsg}, {'V', AppBufferId::HttpUserAgent}, {'W', AppBufferId::HttpHost},
            {'Z', AppBufferId::HttpHostRaw},
        };
        auto known = std::find_if(std::begin(kBuffers), std::end(kBuffers), [&](const auto& b) { return b.first == flags[i]; });
        if (known == std::end(kBuffers)) return ctx.fail(at, "unknown pcre modifier '" + std::string(1, flags[i]) + "'");
        if (target && *target != known->second) return ctx.fail(at, "pcre names two buffers");
        target = known->second;
      }
    }
  }
  if (target && !ctx.mayLeaveChain(o)) return false;
  std::string error;
  size_t error_offset = 0;
  match.regex = RuleRegex::compile(pattern, options, error, error_offset);
  if (!match.regex) return ctx.fail(offset + 1 + error_offset, "invalid pcre: " + error);
  (target ? ctx.chainOf(ctx.appBuffer(*target)) : ctx.chain()).emplace_back(std::move(match));
  return true;
}

// ---- byte_test, byte_jump, byte_extract, byte_math ----

// "name N" with N in [min, max].
bool namedNumber(std::string_view item, std::string_view name, int64_t min, int64_t max, int64_t& out) {
  return item.starts_with(name) && parseInt64(trim(item.substr(name.size())), out) && out >= min && out <= max;
}

// The options byte_* share: relative, endianness, string,<base>, bitmask, dce.
// Returns false with a failure set; `handled` tells whether the item was one of them.
bool applyReaderOption(OptionContext& ctx, const std::vector<ValueItem>& items, size_t& i,
                       ByteReader& reader, bool& handled) {
  handled = true;
  std::string_view item = items[i].text;
  if (item == "relative") {
    reader.relative = true;
  } else if (item == "big" || item == "little" || item == "endian big" || item == "endian little") {
    reader.endian = item.ends_with("little") ? ByteEndian::Little : ByteEndian::Big;
  } else if (item == "string" || item.starts_with("string ")) {
    reader.string = true;
    std::string_view base = trim(item.substr(6));
    if (base.empty() && i + 1 < items.size() &&
        (items[i + 1].text == "hex" || items[i + 1].text == "dec" || items[i + 1].text == "oct")) {
      base = items[++i].text;
    }
    reader.base = base == "hex" ? 16 : base == "oct" ? 8 : 10;
    if (!base.empty() && base != "hex" && base != "dec" && base != "oct") {
      return ctx.fail(items[i].offset, "invalid string base '" + std::string(base) + "' (hex, dec or oct)");
    }
  } else if (item.starts_with("bitmask")) {
    int64_t mask = 0;
    if (!namedNumber(item, "bitmask", 1, UINT32_MAX, mask)) {
      return ctx.fail(items[i].offset, "invalid bitmask '" + std::string(item) + "'");
    }
    reader.bitmask = static_cast<uint32_t>(mask);
  } else if (item == "dce") {
    return ctx.fail(items[i].offset, "needs the app layer (dcerpc)");
  } else {
    handled = false;
  }
  return true;
}

// 1..10, or for all but byte_extract the name of an earlier byte_extract / byte_math result.
bool parseByteCount(OptionContext& ctx, const ValueItem& item, ByteReader& reader, bool variable_allowed = true) {
  uint32_t n = 0;
  if (!parseUint32(item.text, n) || n == 0 || n > 10) {
    reader.bytes_variable = variable_allowed ? ctx.variable(item.text) : -1;
    if (reader.bytes_variable >= 0) return true;
    return ctx.fail(item.offset, "invalid byte count '" + std::string(item.text) + "' (1..10" +
                                     (variable_allowed ? " or a byte_extract variable)" : ")"));
  }
  reader.bytes = static_cast<uint8_t>(n);
  return true;
}

// Raw numbers are at most 8 bytes; text numbers may be longer.
bool checkByteCount(OptionContext& ctx, const ValueItem& item, const ByteReader& reader) {
  if (!reader.string && reader.bytes > 8) {
    return ctx.fail(item.offset, "byte count " + std::to_string(reader.bytes) + " needs 'string' (raw numbers are 1..8 bytes)");
  }
  return true;
}

bool unknownOption(OptionContext& ctx, const RawOption& o, const ValueItem& item) {
  return ctx.fail(item.offset, "invalid " + std::string(o.name) + " option '" + std::string(item.text) + "'");
}

bool applyByteTest(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() < 4) return ctx.fail(o.value_offset, "byte_test needs bytes, operator, value, offset");
  ByteTest test;
  // 0 bytes: the rest of the buffer, as text (ET Open tests http.content_len so).
  if (items[0].text == "0") test.reader.bytes = 0;
  else if (!parseByteCount(ctx, items[0], test.reader)) return false;
  std::string_view op = items[1].text;
  if (!op.empty() && op.front() == '!') {
    test.negated = true;
    op.remove_prefix(1);
  }
  static const std::pair<std::string_view, ByteTest::Op> kOps[] = {
      {"<", ByteTest::Op::Lt}, {">", ByteTest::Op::Gt}, {"=", ByteTest::Op::Eq}, {"<=", ByteTest::Op::Le},
      {">=", ByteTest::Op::Ge}, {"&", ByteTest::Op::And}, {"^", ByteTest::Op::Xor},
  };
  std::optional<ByteTest::Op> known = lookup(kOps, op);
  if (!known) return ctx.fail(items[1].offset, "invalid byte_test operator '" + std::string(items[1].text) + "'");
  test.op = *known;
  if (!parseRuleValue(ctx, items[2], "byte_test value", test.value)) return false;
  if (!parseRuleValue(ctx, items[3], "byte_test offset", test.reader.offset)) return false;
  for (size_t i = 4; i < items.size(); ++i) {
    bool handled = false;
    if (!applyReaderOption(ctx, items, i, test.reader, handled)) return false;
    if (!handled) return unknownOption(ctx, o, items[i]);
  }
  if (!checkByteCount(ctx, items[0], test.reader)) return false;
  if (test.reader.bytes == 0 && test.reader.bytes_variable < 0 && !test.reader.string) {
    return ctx.fail(items[0].offset, "byte_test of 0 bytes needs 'string' (it reads the rest of the buffer as text)");
  }
  ctx.chain().emplace_back(test);
  return true;
}

bool applyByteJump(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() < 2) return ctx.fail(o.value_offset, "byte_jump needs bytes, offset");
  ByteJump jump;
  if (!parseByteCount(ctx, items[0], jump.reader)) return false;
  if (!parseRuleValue(ctx, items[1], "byte_jump offset", jump.reader.offset)) return false;
  for (size_t i = 2; i < items.size(); ++i) {
    std::string_view item = items[i].text;
    bool handled = false;
    if (!applyReaderOption(ctx, items, i, jump.reader, handled)) return false;
    if (handled) continue;
    int64_t n = 0;
    if (item == "align") {
      jump.align = true;
    } else if (item == "from_beginning") {
      jump.from_beginning = true;
    } else if (item == "from_end") {
      jump.from_end = true;
    } else if (namedNumber(item, "multiplier", 1, 65535, n)) {
      jump.multiplier = static_cast<uint32_t>(n);
    } else if (namedNumber(item, "post_offset", INT32_MIN + 1, INT32_MAX - 1, n)) {
      jump.post_offset = static_cast<int32_t>(n);
    } else {
      return unknownOption(ctx, o, items[i]);
    }
  }
  if (jump.from_beginning && jump.from_end) {
    return ctx.fail(o.value_offset, "byte_jump cannot use both from_beginning and from_end");
  }
  if (!checkByteCount(ctx, items[0], jump.reader)) return false;
  ctx.chain().emplace_back(jump);
  return true;
}

// A new byte_extract / byte_math result; names must be unique within the rule.
bool declareVariable(OptionContext& ctx, const ValueItem& item, int& index) {
  if (item.text.empty() || !(std::isalpha(static_cast<unsigned char>(item.text[0])) || item.text[0] == '_')) {
    return ctx.fail(item.offset, "invalid variable name '" + std::string(item.text) + "'");
  }
  if (ctx.variable(item.text) >= 0) return ctx.fail(item.offset, "variable '" + std::string(item.text) + "' defined twice");
  index = static_cast<int>(ctx.rule.variables.size());
  ctx.rule.variables.emplace_back(item.text);
  return true;
}

bool applyByteExtract(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() < 3) return ctx.fail(o.value_offset, "byte_extract needs bytes, offset, name");
  ByteExtract extract;
  if (!parseByteCount(ctx, items[0], extract.reader, false)) return false;
  if (!parseRuleValue(ctx, items[1], "byte_extract offset", extract.reader.offset)) return false;
  ValueItem name = items[2];
  for (size_t i = 3; i < items.size(); ++i) {
    std::string_view item = items[i].text;
    bool handled = false;
    if (!applyReaderOption(ctx, items, i, extract.reader, handled)) return false;
    if (handled) continue;
    int64_t n = 0;
    if (namedNumber(item, "multiplier", 1, 65535, n)) {
      extract.multiplier = static_cast<uint32_t>(n);
    } else if (namedNumber(item, "align", 2, 4, n) && n != 3) {
      extract.align = static_cast<uint8_t>(n);
    } else {
      return unknownOption(ctx, o, items[i]);
    }
  }
  if (!checkByteCount(ctx, items[0], extract.reader)) return false;
  if (!declareVariable(ctx, name, extract.variable)) return false;
  ctx.chain().emplace_back(extract);
  return true;
}

// byte_math:bytes N, offset N, oper OP, rvalue V, result NAME[, relative][, endian E]...
bool applyByteMath(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  ByteMath math;
  bool has[5] = {};  // bytes, offset, oper, rvalue, result
  ValueItem result{};
  for (size_t i = 0; i < items.size(); ++i) {
    std::string_view item = items[i].text;
    size_t space = item.find(' ');
    std::string_view key = item.substr(0, space);
    ValueItem arg{space == std::string_view::npos ? std::string_view{} : trim(item.substr(space + 1)),
                  items[i].offset + (space == std::string_view::npos ? 0 : space + 1)};
    if (key == "bytes") {
      if (!parseByteCount(ctx, arg, math.reader)) return false;
      has[0] = true;
    } else if (key == "offset") {
      if (!parseRuleValue(ctx, arg, "byte_math offset", math.reader.offset)) return false;
      has[1] = true;
    } else if (key == "oper") {
      static const std::pair<std::string_view, ByteMath::Op> kOps[] = {
          {"+", ByteMath::Op::Add}, {"-", ByteMath::Op::Sub}, {"*", ByteMath::Op::Mul},
          {"/", ByteMath::Op::Div}, {"<<", ByteMath::Op::Shl}, {">>", ByteMath::Op::Shr},
      };
      std::optional<ByteMath::Op> op = lookup(kOps, arg.text);
      if (!op) return ctx.fail(arg.offset, "invalid byte_math operator '" + std::string(arg.text) + "'");
      math.op = *op;
      has[2] = true;
    } else if (key == "rvalue") {
      if (!parseRuleValue(ctx, arg, "byte_math rvalue", math.rvalue)) return false;
      has[3] = true;
    } else if (key == "result") {
      result = arg;
      has[4] = true;
    } else {
      bool handled = false;
      if (!applyReaderOption(ctx, items, i, math.reader, handled)) return false;
      if (!handled) return unknownOption(ctx, o, items[i]);
    }
  }
  static constexpr const char* kRequired[] = {"bytes", "offset", "oper", "rvalue", "result"};
  for (int k = 0; k < 5; ++k) {
    if (!has[k]) return ctx.fail(o.value_offset, std::string("byte_math needs '") + kRequired[k] + "'");
  }
  if (!checkByteCount(ctx, items[0], math.reader)) return false;
  if (!declareVariable(ctx, result, math.variable)) return false;
  ctx.chain().emplace_back(math);
  return true;
}

// ---- base64_decode[:bytes N][, offset N][, relative]; base64_data ----

// Goes where the keywords before it are: the sticky buffer in force, else the chain of the
// last content (one a legacy modifier moved into a buffer), else the payload.
bool applyBase64Decode(OptionContext& ctx, const RawOption& o) {
  if (ctx.current.base64) return ctx.fail(o.name_offset, "base64_decode after base64_data (the decoded data is not decoded again)");
  Base64Decode decode;
  if (o.has_value) {
    bool has_bytes = false, has_offset = false;
    for (const ValueItem& item : splitItems(o.value, o.value_offset)) {
      int64_t n = 0;
      if (item.text == "relative" && !decode.relative) {
        decode.relative = true;
      } else if (item.text.starts_with("bytes") && !has_bytes) {
        if (!namedNumber(item.text, "bytes", 0, 65535, n)) {
          return ctx.fail(item.offset, "invalid base64_decode bytes '" + std::string(item.text) + "' (0..65535)");
        }
        // 0 means no limit but Suricata's own.
        if (n > 0) decode.bytes = static_cast<uint32_t>(n);
        has_bytes = true;
      } else if (item.text.starts_with("offset") && !has_offset) {
        if (!namedNumber(item.text, "offset", 0, UINT32_MAX, n)) {
          return ctx.fail(item.offset, "invalid base64_decode offset '" + std::string(item.text) + "'");
        }
        decode.offset = static_cast<uint32_t>(n);
        has_offset = true;
      } else {
        return ctx.fail(item.offset, "invalid base64_decode option '" + std::string(item.text) +
                                         "' (bytes N, offset N, relative; each once)");
      }
    }
  }
  const bool follows_content = ctx.current.buffer < 0 && ctx.last_content >= 0;
  ctx.chainOf(follows_content ? ctx.last_content_chain : ctx.current).emplace_back(decode);
  if (ctx.base64_decode_at == SIZE_MAX) ctx.base64_decode_at = o.name_offset;
  return true;
}

bool applyBase64Data(OptionContext& ctx, const RawOption& o) {
  if (ctx.base64_decode_at == SIZE_MAX) return ctx.fail(o.name_offset, "base64_data needs a base64_decode before it");
  ctx.current = {-1, false, true};
  if (ctx.base64_data_at == SIZE_MAX) ctx.base64_data_at = o.name_offset;
  return true;
}

}  // namespace

bool finishPayloadKeywords(OptionContext& ctx) {
  // Suricata loads such rules, but they never match.
  if (ctx.base64_decode_at != SIZE_MAX && ctx.base64_data_at == SIZE_MAX) {
    return ctx.fail(ctx.base64_decode_at, "base64_decode without base64_data (its keywords inspect the decoded data)");
  }
  if (ctx.base64_data_at != SIZE_MAX && ctx.rule.base64_data.empty()) {
    return ctx.fail(ctx.base64_data_at, "base64_data needs keywords after it");
  }
  return true;
}

void addPayloadKeywords(KeywordTable& table) {
  table.insert({
      {"content", {ValueRule::Required, applyContent}},
      {"uricontent", {ValueRule::Required, applyUriContent}},
      {"nocase", {ValueRule::Forbidden, applyNocase}},
      {"depth", {ValueRule::Required, applyPlacement}},
      {"offset", {ValueRule::Required, applyPlacement}},
      {"distance", {ValueRule::Required, applyPlacement}},
      {"within", {ValueRule::Required, applyPlacement}},
      {"startswith", {ValueRule::Forbidden, applyAnchor}},
      {"endswith", {ValueRule::Forbidden, applyAnchor}},
      {"fast_pattern", {ValueRule::Optional, applyFastPattern}},
      {"rawbytes", {ValueRule::Forbidden, applyNothing}},
      {"pkt_data", {ValueRule::Forbidden, applyPktData}},
      {"ipv4.hdr", {ValueRule::Forbidden, applyHeaderBuffer}},
      {"ipv6.hdr", {ValueRule::Forbidden, applyHeaderBuffer}},
      {"tcp.hdr", {ValueRule::Forbidden, applyHeaderBuffer}},
      {"udp.hdr", {ValueRule::Forbidden, applyHeaderBuffer}},
      {"icmpv4.hdr", {ValueRule::Forbidden, applyHeaderBuffer}},
      {"icmpv6.hdr", {ValueRule::Forbidden, applyHeaderBuffer}},
      {"ether.hdr", {ValueRule::Forbidden, applyHeaderBuffer}},
      {"prefilter", {ValueRule::Forbidden, applyNothing}},
      {"isdataat", {ValueRule::Required, applyIsDataAt}},
      {"pcre", {ValueRule::Required, applyPcre}},
      {"byte_test", {ValueRule::Required, applyByteTest}},
      {"byte_jump", {ValueRule::Required, applyByteJump}},
      {"byte_extract", {ValueRule::Required, applyByteExtract}},
      {"byte_math", {ValueRule::Required, applyByteMath}},
      {"base64_decode", {ValueRule::Optional, applyBase64Decode}},
      {"base64_data", {ValueRule::Forbidden, applyBase64Data}},
      {"asn1", {ValueRule::Required, applyAsn1}},
  });
}

}  // namespace mamori::keywords
