#include "rules/keyword_support.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mamori::keywords {

void OptionContext::addContent(ChainRef ref, ContentMatch content) {
  std::vector<PayloadMatch>& target = chainOf(ref);
  target.emplace_back(std::move(content));
  last_content_chain = ref;
  last_content = static_cast<int>(target.size() - 1);
}

ContentMatch* OptionContext::lastContent() {
  // In a sticky buffer (or base64_data), its last content, as Suricata looks in the list in
  // force; on the payload, the last content anywhere.
  if (current.buffer >= 0 || current.base64) {
    for (auto it = chain().rbegin(); it != chain().rend(); ++it) {
      if (auto* content = std::get_if<ContentMatch>(&*it)) return content;
    }
    return nullptr;
  }
  if (last_content < 0) return nullptr;
  return std::get_if<ContentMatch>(&chainOf(last_content_chain)[last_content]);
}

OptionContext::ChainRef OptionContext::appBuffer(AppBufferId id, BufferSide side) {
  auto& buffers = rule.app_buffers;
  // A transformed instance is a buffer of its own: keywords naming `id` inspect the bytes
  // as they are.
  auto it = std::find_if(buffers.begin(), buffers.end(), [&](const AppBufferMatch& m) {
    return m.buffer == id && m.side == side && m.transforms.empty();
  });
  if (it == buffers.end()) it = buffers.insert(buffers.end(), AppBufferMatch{id, side, {}, {}, {}});
  return {static_cast<int>(it - buffers.begin()), true};
}

bool OptionContext::mayLeaveChain(const RawOption& o) {
  if (!current.base64) return true;
  return fail(o.name_offset, "'" + std::string(o.name) + "' after base64_data (its keywords end the rule's buffers)");
}

int OptionContext::variable(std::string_view name) const {
  for (size_t i = 0; i < rule.variables.size(); ++i) {
    if (rule.variables[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool isAppLayerKeyword(std::string_view name) {
  // Prefixes of the sticky buffers and legacy modifiers of every app-layer parser
  // Suricata has.
  static constexpr std::string_view kPrefixes[] = {
      "http.", "http_", "http2.", "dns.", "dns_", "tls.", "tls_", "ssl_", "ja3", "ja4", "file.",
      "file_", "ssh.", "ssh_", "smb.", "smb_", "krb5", "sip.", "smtp.", "ftp.", "ftpdata", "ftpbounce",
      "quic.", "mqtt.", "modbus", "dnp3", "enip", "cip_", "snmp.", "ike.", "dhcp.", "rfb.", "nfs",
      "rdp.", "pgsql.", "email.", "websocket.", "x509.", "dcerpc.", "dce_", "sni.",
  };
  static constexpr std::string_view kNames[] = {
      "app-layer-state", "filename", "fileext", "filemagic", "filestore", "filemd5",
      "filesha1", "filesha256", "filesize",
  };
  for (std::string_view prefix : kPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) return true;
  }
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<ValueItem> splitItems(std::string_view value, size_t offset, char separator) {
  std::vector<ValueItem> items;
  size_t start = 0;
  for (;;) {
    size_t end = value.find(separator, start);
    std::string_view raw = value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    size_t lead = 0;
    while (lead < raw.size() && isSpace(raw[lead])) ++lead;
    items.push_back({trim(raw), offset + start + lead});
    if (end == std::string_view::npos) return items;
    start = end + 1;
  }
}

bool parseUint32(std::string_view text, uint32_t& out) {
  int64_t value = 0;
  if (!parseInt64(text, value) || value < 0 || value > UINT32_MAX) return false;
  out = static_cast<uint32_t>(value);
  return true;
}

bool parseInt64(std::string_view text, int64_t& out) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 18) return false;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc{} || end != text.data() + text.size()) return false;
  out = negative ? -value : value;
  return true;
}

bool parseNumericTest(std::string_view text, uint64_t max, NumericTest& out) {
  text = trim(text);
  auto number = [&](std::string_view s, uint64_t& v) {
    int64_t n = 0;
    if (!parseInt64(trim(s), n) || n < 0 || static_cast<uint64_t>(n) > max) return false;
    v = static_cast<uint64_t>(n);
    return true;
  };
  using Op = NumericTest::Op;
  // "!a-b": outside the range.
  if (text.starts_with('!') && !text.starts_with("!=") && !text.starts_with("!!")) {
    NumericTest range;
    if (parseNumericTest(text.substr(1), max, range) && range.op == Op::Range) {
      out = range;
      out.op = Op::NotRange;
      return true;
    }
  }
  static const std::pair<std::string_view, Op> kPrefixes[] = {
      {"<=", Op::Le}, {">=", Op::Ge}, {"!=", Op::Ne}, {"<", Op::Lt}, {">", Op::Gt}, {"!", Op::Ne}, {"=", Op::Eq},
  };
  for (const auto& [prefix, op] : kPrefixes) {
    if (text.substr(0, prefix.size()) == prefix) {
      out.op = op;
      return number(text.substr(prefix.size()), out.a);
    }
  }
  for (std::string_view sep : {std::string_view("<>"), std::string_view("-")}) {
    size_t at = text.find(sep);
    if (at != std::string_view::npos && at > 0) {
      out.op = Op::Range;
      return number(text.substr(0, at), out.a) && number(text.substr(at + sep.size()), out.b) && out.a < out.b;
    }
  }
  out.op = Op::Eq;
  return number(text, out.a);
}

bool parseRuleValue(OptionContext& ctx, const ValueItem& item, std::string_view what, RuleValue& out) {
  if (parseInt64(item.text, out.value)) return true;
  out.variable = ctx.variable(item.text);
  if (out.variable >= 0) return true;
  return ctx.fail(item.offset, "invalid " + std::string(what) + " '" + std::string(item.text) +
                                   "' (a number or a byte_extract variable)");
}

namespace {
// True when the character after `text` would be escaped: an odd run of '\' ends it.
bool endsEscaped(std::string_view text) {
  size_t run = 0;
  while (run < text.size() && text[text.size() - 1 - run] == '\\') ++run;
  return run % 2 == 1;
}
}  // namespace

bool unquoteText(std::string_view value, size_t offset, std::string& out, ParseFailure& failure) {
  if (!value.empty() && value.front() == '"') {
    if (value.size() < 2 || value.back() != '"' || endsEscaped(value.substr(0, value.size() - 1))) {
      failure = {offset, "missing closing '\"'"};
      return false;
    }
    value = value.substr(1, value.size() - 2);
  }
  out.clear();
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && i + 1 < value.size() &&
        (value[i + 1] == '"' || value[i + 1] == ';' || value[i + 1] == '\\' || value[i + 1] == ':')) {
      out.push_back(value[++i]);
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace mamori::keywords
