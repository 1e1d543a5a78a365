#include "applayer/sip_message_parser.h"

#include <cctype>
#include <charconv>
#include <optional>

namespace mamori {
namespace {

constexpr size_t kMaxHeaders = 256;
constexpr std::string_view kVersionPrefix = "SIP/";

// RFC 3261's token characters (method names, header names).
bool isTokenChar(unsigned char c) {
  return std::isalnum(c) || std::string_view("-.!%*_+`'~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool isToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!isTokenChar(c)) return false;
  }
  return true;
}

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// "SIP/2.0": "SIP/" and a version number.
bool isVersion(std::string_view s) {
  if (!s.starts_with(kVersionPrefix) || s.size() == kVersionPrefix.size()) return false;
  for (unsigned char c : s.substr(kVersionPrefix.size())) {
    if (!std::isdigit(c) && c != '.') return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The headers Suricata 8 has sticky buffers for, by long name, and the compact forms
// (RFC 3261 section 7.3.3) of those.
struct HeaderKeyword {
  std::string_view name, compact;
  const char* keyword;
};
constexpr HeaderKeyword kHeaderKeywords[] = {
    {"From", "f", "sip.from"},
    {"To", "t", "sip.to"},
    {"Via", "v", "sip.via"},
    {"User-Agent", "", "sip.user_agent"},
    {"Content-Type", "c", "sip.content_type"},
    {"Content-Length", "l", "sip.content_length"},
};

const char* keywordOf(std::string_view name) {
  for (const HeaderKeyword& h : kHeaderKeywords) {
    if (sameName(name, h.name) || (!h.compact.empty() && sameName(name, h.compact))) return h.keyword;
  }
  return nullptr;
}

// One line of `data` from `at`: its text without the line end, and where the next starts;
// nullopt when no line end follows. CRLF is the end RFC 3261 gives; a bare LF is taken too.
struct Line {
  std::string_view text;
  size_t next;
};
std::optional<Line> lineAt(std::string_view data, size_t at) {
  const size_t lf = data.find('\n', at);
  if (lf == std::string_view::npos) return std::nullopt;
  size_t end = lf;
  if (end > at && data[end - 1] == '\r') --end;
  return Line{data.substr(at, end - at), lf + 1};
}

}  // namespace

// In EVE's order (Suricata's): each part a field for detection and a member of the object.
void SipMessageParser::addStartLine(ProtocolTransaction& out, std::initializer_list<StartLinePart> parts) {
  for (const StartLinePart& p : parts) {
    out.add(p.keyword, p.value);
    eve_.text(p.eve_key, p.value);
  }
}

SipMessageParser::Looks SipMessageParser::looksLikeSip(std::string_view data) {
  const std::optional<Line> line = lineAt(data, 0);
  const std::string_view text = line ? line->text : data;
  if (text.starts_with(kVersionPrefix)) {
    const size_t sp = text.find(' ');
    if (sp != std::string_view::npos) return isVersion(text.substr(0, sp)) ? Looks::Sip : Looks::NotSip;
    return line ? Looks::NotSip : Looks::TooShort;
  }
  if (kVersionPrefix.starts_with(text)) return Looks::TooShort;
  const size_t sp1 = text.find(' ');
  if (sp1 == std::string_view::npos) return !line && isToken(text) ? Looks::TooShort : Looks::NotSip;
  if (!isToken(text.substr(0, sp1))) return Looks::NotSip;
  const size_t sp2 = text.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || !line) return line ? Looks::NotSip : Looks::TooShort;
  return isVersion(trim(text.substr(sp2 + 1))) ? Looks::Sip : Looks::NotSip;
}

SipMessageParser::Result SipMessageParser::parse(std::string_view data, bool partial_body, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "sip";
  const std::optional<Line> start = lineAt(data, 0);
  if (!start) return {looksLikeSip(data) == Looks::NotSip ? Status::Malformed : Status::Incomplete};
  const std::string_view first = start->text;
  eve_.begin();
  if (first.starts_with(kVersionPrefix)) {
    // SIP/2.0 200 OK
    const size_t sp = first.find(' ');
    if (sp == std::string_view::npos) return {Status::Malformed};
    const std::string_view version = first.substr(0, sp);
    const std::string_view rest = first.substr(sp + 1);
    const std::string_view code = rest.substr(0, rest.find(' '));
    const std::string_view reason = code.size() < rest.size() ? rest.substr(code.size() + 1) : std::string_view();
    if (!isVersion(version) || code.size() != 3 || !std::isdigit(static_cast<unsigned char>(code[0])) ||
        !std::isdigit(static_cast<unsigned char>(code[1])) || !std::isdigit(static_cast<unsigned char>(code[2]))) {
      return {Status::Malformed};
    }
    addStartLine(out, {{"sip.protocol", "version", version},
                       {"sip.stat_code", "code", code},
                       {"sip.stat_msg", "reason", reason},
                       {"sip.response_line", "response_line", first}});
  } else {
    // INVITE sip:bob@example.com SIP/2.0
    const size_t sp1 = first.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : first.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return {Status::Malformed};
    const std::string_view method = first.substr(0, sp1);
    const std::string_view uri = first.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = first.substr(sp2 + 1);
    if (!isToken(method) || uri.empty() || !isVersion(version)) return {Status::Malformed};
    addStartLine(out, {{"sip.method", "method", method},
                       {"sip.uri", "uri", uri},
                       {"sip.protocol", "version", version},
                       {"sip.request_line", "request_line", first}});
  }
  size_t at = start->next;
  size_t headers = 0;
  int64_t content_length = 0;
  bool last_kept = false;  // the header line before was kept as a field (a folded line continues it)
  for (;;) {
    const std::optional<Line> line = lineAt(data, at);
    if (!line) return {partial_body ? Status::Malformed : Status::Incomplete};
    at = line->next;
    if (line->text.empty()) break;
    if (++headers > kMaxHeaders) return {Status::Malformed};
    if (line->text.front() == ' ' || line->text.front() == '\t') {
      // A folded line (RFC 3261 section 7.3.1) continues the value before it with one space.
      if (last_kept && !out.fields.empty()) {
        const std::string_view more = trim(line->text);
        out.bytes.push_back(' ');
        out.bytes.append(more);
        out.fields.back().length += static_cast<uint32_t>(1 + more.size());
      }
      continue;
    }
    const size_t colon = line->text.find(':');
    if (colon == std::string_view::npos) return {Status::Malformed};
    const std::string_view name = trim(line->text.substr(0, colon));
    const std::string_view value = trim(line->text.substr(colon + 1));
    if (!isToken(name)) return {Status::Malformed};
    const char* keyword = keywordOf(name);
    last_kept = keyword != nullptr;
    if (keyword) out.add(keyword, value);
    if (keyword && std::string_view(keyword) == "sip.content_length") {
      int64_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < 0) return {Status::Malformed};
      content_length = n;
    }
  }
  eve_.finish(out.eve);
  if (partial_body) return {Status::Complete, data.size()};
  if (static_cast<uint64_t>(content_length) > data.size() - at) return {Status::Incomplete};
  return {Status::Complete, at + static_cast<size_t>(content_length)};
}

}  // namespace mamori
