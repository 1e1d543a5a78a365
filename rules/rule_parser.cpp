#include "rules/rule_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

#include "rules/bounded_file.h"
#include "rules/keyword_support.h"

namespace mamori {

// Where a stretch of a logical rule (continuation lines joined) sits in the file, so
// that errors point at the physical line and column.
struct RuleParser::LineSegment {
  size_t offset;  // in the logical text
  uint32_t line;
};

namespace {

using namespace keywords;

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

// ---- options: keyword[:value]; ----

// Splits the text between '(' and the final ')'. A value runs to the first ';' not
// escaped by '\'; quotes do not protect ';', as in Suricata.
bool splitOptions(std::string_view text, size_t base, std::vector<RawOption>& out,
                  ParseFailure& failure) {
  size_t pos = 0;
  for (;;) {
    while (pos < text.size() && isSpace(text[pos])) ++pos;
    if (pos == text.size()) return true;
    RawOption option;
    option.name_offset = base + pos;
    size_t start = pos;
    while (pos < text.size() && text[pos] != ':' && text[pos] != ';') ++pos;
    option.name = trimRight(text.substr(start, pos - start));
    if (option.name.empty()) {
      failure = {base + start, "expected a keyword"};
      return false;
    }
    for (char c : option.name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) {
        failure = {base + start, "invalid keyword '" + std::string(option.name) + "'"};
        return false;
      }
    }
    if (pos < text.size() && text[pos] == ':') {
      option.has_value = true;
      ++pos;
      while (pos < text.size() && isSpace(text[pos])) ++pos;
      size_t value_start = pos;
      while (pos < text.size() && text[pos] != ';') pos += text[pos] == '\\' ? 2 : 1;
      pos = std::min(pos, text.size());
      option.value = trimRight(text.substr(value_start, pos - value_start));
      option.value_offset = base + value_start;
    }
    out.push_back(option);
    if (pos < text.size()) ++pos;  // the ';'
  }
}

const KeywordTable& keywordTable() {
  static const KeywordTable table = [] {
    KeywordTable t;
    addInfoKeywords(t);
    addPayloadKeywords(t);
    addPacketKeywords(t);
    addFlowKeywords(t);
    addEngineEventKeywords(t);
    addAppKeywords(t);
    addAppEventKeywords(t);
    addFileKeywords(t);
    addDatasetKeywords(t);
    return t;
  }();
  return table;
}

// ---- header: action proto src sport dir dst dport ----

bool parseAction(std::string_view text, RuleAction& out) {
  static const std::pair<std::string_view, RuleAction> kActions[] = {
      {"alert", RuleAction::Alert},         {"pass", RuleAction::Pass},
      {"drop", RuleAction::Drop},           {"reject", RuleAction::Reject},
      {"rejectsrc", RuleAction::RejectSrc}, {"rejectdst", RuleAction::RejectDst},
      {"rejectboth", RuleAction::RejectBoth},
  };
  for (const auto& [name, action] : kActions) {
    if (text == name) {
      out = action;
      return true;
    }
  }
  return false;
}

enum class Transport : uint8_t { Tcp, Udp, TcpUdp };

bool parseProtocol(std::string_view text, RuleProtocol& out) {
  out.name = std::string(text);
  out.ip_protocols.reset();
  out.ip_version = 0;
  out.app_layer = false;
  out.any_frame = text == "pkthdr";
  out.ethernet = text == "ether";
  out.ethertype = 0;
  if (text == "arp") {
    out.ethertype = 0x0806;
    return true;
  }
  // Packet-level protocols. tcp-pkt / tcp-stream differ from tcp only once streams are
  // inspected separately from packets; pkthdr is any packet, IP or not, decoded or not;
// ether any Ethernet frame; arp the frames of ARP's ethertype.
  if (text == "ip" || text == "pkthdr" || text == "ether" || text == "ipv4" || text == "ip4" || text == "ipv6" ||
      text == "ip6") {
    out.ip_protocols.set();
    if (text == "ipv4" || text == "ip4") out.ip_version = 4;
    if (text == "ipv6" || text == "ip6") out.ip_version = 6;
    return true;
  }
  if (text == "tcp" || text == "tcp-pkt" || text == "tcp-stream") {
    out.ip_protocols.set(6);
    return true;
  }
  if (text == "udp") {
    out.ip_protocols.set(17);
    return true;
  }
  if (text == "icmp") {
    out.ip_protocols.set(1);
    out.ip_protocols.set(58);
    return true;
  }
  if (text == "icmpv4") {
    out.ip_protocols.set(1);
    return true;
  }
  if (text == "icmpv6") {
    out.ip_protocols.set(58);
    return true;
  }
  if (text == "sctp") {
    out.ip_protocols.set(132);
    return true;
  }
  static const std::pair<std::string_view, Transport> kAppProtocols[] = {
      {"http", Transport::Tcp},     {"http1", Transport::Tcp},   {"http2", Transport::Tcp},
      {"doh2", Transport::Tcp},     {"ftp", Transport::Tcp},     {"ftp-data", Transport::Tcp},
      {"tls", Transport::Tcp},      {"ssl", Transport::Tcp},     {"ssh", Transport::Tcp},
      {"smtp", Transport::Tcp},     {"imap", Transport::Tcp},    {"pop3", Transport::Tcp},
      {"smb", Transport::Tcp},      {"rdp", Transport::Tcp},     {"rfb", Transport::Tcp},
      {"pgsql", Transport::Tcp},    {"telnet", Transport::Tcp},  {"mqtt", Transport::Tcp},
      {"modbus", Transport::Tcp},   {"websocket", Transport::Tcp}, {"irc", Transport::Tcp},
      {"dns", Transport::TcpUdp},   {"dcerpc", Transport::TcpUdp}, {"krb5", Transport::TcpUdp},
      {"nfs", Transport::TcpUdp},   {"sip", Transport::TcpUdp},  {"dnp3", Transport::TcpUdp},
      {"enip", Transport::TcpUdp},  {"ldap", Transport::TcpUdp}, {"ntp", Transport::Udp},
      {"tftp", Transport::Udp},     {"ikev2", Transport::Udp},   {"ike", Transport::Udp},
      {"dhcp", Transport::Udp},     {"snmp", Transport::Udp},    {"quic", Transport::Udp},
      {"bittorrent-dht", Transport::Udp},
  };
  for (const auto& [name, transport] : kAppProtocols) {
    if (text == name) {
      out.app_layer = true;
      if (transport != Transport::Udp) out.ip_protocols.set(6);
      if (transport != Transport::Tcp) out.ip_protocols.set(17);
      return true;
    }
  }
  return false;
}

struct HeaderToken {
  std::string_view text;
  size_t offset;
};

// Header fields are separated by spaces, except inside [...] lists.
std::vector<HeaderToken> splitHeader(std::string_view text, size_t& end) {
  std::vector<HeaderToken> tokens;
  size_t pos = 0;
  while (tokens.size() < 7) {
    while (pos < text.size() && isSpace(text[pos])) ++pos;
    if (pos == text.size() || text[pos] == '(') break;
    size_t start = pos;
    int depth = 0;
    while (pos < text.size() && (depth > 0 || (!isSpace(text[pos]) && text[pos] != '('))) {
      if (text[pos] == '[') ++depth;
      if (text[pos] == ']' && depth > 0) --depth;
      ++pos;
    }
    tokens.push_back({text.substr(start, pos - start), start});
  }
  while (pos < text.size() && isSpace(text[pos])) ++pos;
  end = pos;
  return tokens;
}

// A '=>' rule is evaluated once the transaction has both sides: it must look at both.
bool seesBothSides(const Rule& rule) {
  bool request = false, response = false;
  auto note = [&](AppBufferId id, BufferSide side) {
    const BufferDirection d = appBufferDirection(id);
    request |= d == BufferDirection::Request || side == BufferSide::ToServer;
    response |= d == BufferDirection::Response || side == BufferSide::ToClient;
  };
  for (const AppBufferMatch& b : rule.app_buffers) note(b.buffer, b.side);
  for (const AppValueTest& v : rule.app_values) note(v.buffer, BufferSide::Unnamed);
  return request && response;
}

uint32_t sidOf(const std::vector<RawOption>& options) {
  uint32_t sid = 0;
  for (const RawOption& o : options) {
    if (o.name == "sid" && parseUint32(o.value, sid)) return sid;
  }
  return 0;
}

}  // namespace

RuleParser::RuleParser() : RuleParser(RuleVariables{}, ClassificationTable::suricataDefaults()) {}

RuleParser::RuleParser(RuleVariables variables, ClassificationTable classes)
    : variables_(std::move(variables)),
      classes_(std::move(classes)),
      datasets_(std::make_shared<DatasetRegistry>()),
      reputation_(std::make_shared<ReputationSource>(variables_.reputationFiles())) {}

std::optional<Rule> RuleParser::parseRule(std::string_view text, const std::string& file,
                                          uint32_t line, RuleError& error) const {
  return parseLogicalRule(text, file, {{0, line}}, error);
}

std::optional<Rule> RuleParser::parseLogicalRule(std::string_view text, const std::string& file,
                                                 const std::vector<LineSegment>& segments,
                                                 RuleError& error) const {
  uint32_t sid = 0;
  auto fail = [&](size_t offset, std::string reason) -> std::optional<Rule> {
    auto seg = std::upper_bound(segments.begin(), segments.end(), offset,
                                [](size_t o, const LineSegment& s) { return o < s.offset; });
    const LineSegment& at = *std::prev(seg);
    error = {file, at.line, static_cast<uint32_t>(offset - at.offset + 1), sid, std::move(reason)};
    return std::nullopt;
  };

  size_t header_end = 0;
  std::vector<HeaderToken> header = splitHeader(text, header_end);

  // Options first, so that header errors can name the sid too.
  std::vector<RawOption> options;
  if (header.size() == 7 && header_end < text.size() && text[header_end] == '(') {
    std::string_view rest = trimRight(text.substr(header_end + 1));
    bool closed = !rest.empty() && rest.back() == ')';
    ParseFailure failure;
    bool split = splitOptions(closed ? rest.substr(0, rest.size() - 1) : rest, header_end + 1,
                              options, failure);
    sid = sidOf(options);
    if (!closed) return fail(text.size(), "missing ')' at the end of the rule");
    if (!split) return fail(failure.offset, failure.reason);
  } else if (header.size() < 7) {
    return fail(header_end, "incomplete rule header (expected: action protocol source port "
                            "direction destination port)");
  } else {
    return fail(header_end, "expected '(' after the rule header");
  }

  Rule rule;
  if (!parseAction(header[0].text, rule.action)) {
    return fail(header[0].offset, "unknown action '" + std::string(header[0].text) + "'");
  }
  if (!parseProtocol(header[1].text, rule.protocol)) {
    return fail(header[1].offset, "unknown protocol '" + std::string(header[1].text) + "'");
  }
  ExpressionError expression_error;
  if (!AddressMatcher::compile(header[2].text, variables_, rule.source, expression_error)) {
    return fail(header[2].offset + expression_error.offset, expression_error.reason);
  }
  if (!PortMatcher::compile(header[3].text, variables_, rule.source_ports, expression_error)) {
    return fail(header[3].offset + expression_error.offset, expression_error.reason);
  }
  if (header[4].text == "->") {
    rule.direction = RuleDirection::Forward;
  } else if (header[4].text == "<>") {
    rule.direction = RuleDirection::Bidirectional;
  } else if (header[4].text == "=>") {
    rule.direction = RuleDirection::Transactional;
  } else {
    return fail(header[4].offset, "invalid direction '" + std::string(header[4].text) + "' (expected ->, <> or =>)");
  }
  if (!AddressMatcher::compile(header[5].text, variables_, rule.destination, expression_error)) {
    return fail(header[5].offset + expression_error.offset, expression_error.reason);
  }
  if (!PortMatcher::compile(header[6].text, variables_, rule.destination_ports, expression_error)) {
    return fail(header[6].offset + expression_error.offset, expression_error.reason);
  }

  // App-layer keywords mamori has no parser or support for first: such a rule is refused
  // for that wherever the keyword stands, so that reason (not a later one) counts it.
  for (const RawOption& o : options) {
    if (!keywordTable().contains(o.name) && isAppLayerKeyword(o.name)) {
      return fail(o.name_offset, "unsupported app-layer keyword '" + std::string(o.name) + "'");
    }
  }
  rule.file = file;  // file keywords name lists relative to it
  OptionContext ctx{rule, classes_, false, {}, {}, {}, -1};
  ctx.datasets = datasets_.get();
  ctx.reputation = reputation_.get();
  for (const RawOption& o : options) {
    auto it = keywordTable().find(o.name);
    if (it == keywordTable().end()) return fail(o.name_offset, "unsupported keyword '" + std::string(o.name) + "'");
    const KeywordSpec& spec = it->second;
    if (spec.value == ValueRule::Required && (!o.has_value || o.value.empty())) {
      return fail(o.name_offset, "'" + std::string(o.name) + "' needs a value");
    }
    if (spec.value == ValueRule::Forbidden && o.has_value) {
      return fail(o.name_offset, "'" + std::string(o.name) + "' takes no value");
    }
    if (!spec.apply(ctx, o)) return fail(ctx.failure.offset, ctx.failure.reason);
  }
  if (!finishPayloadKeywords(ctx) || !finishAppKeywords(ctx)) return fail(ctx.failure.offset, ctx.failure.reason);
  if (rule.sid == 0) return fail(header_end, "rule has no sid");
  if (rule.direction == RuleDirection::Transactional && !seesBothSides(rule)) {
    return fail(header[4].offset, "a '=>' rule needs keywords of both the request and the response");
  }

  rule.file = file;
  rule.line = segments.front().line;
  rule.text = std::string(text);
  return rule;
}

void RuleParser::addRule(Rule rule, ParsedRules& out) {
  auto [it, inserted] = loaded_.try_emplace({rule.gid, rule.sid}, rule.file, rule.line);
  if (!inserted) {
    out.errors.push_back({rule.file, rule.line, 1, rule.sid,
                          "duplicate sid " + std::to_string(rule.sid) + " (gid " +
                              std::to_string(rule.gid) + "), first loaded at " + it->second.first +
                              ":" + std::to_string(it->second.second)});
    return;
  }
  out.rules.push_back(std::move(rule));
}

void RuleParser::parseText(std::string_view text, const std::string& file, ParsedRules& out) {
  std::string logical;
  std::vector<LineSegment> segments;
  uint32_t line_number = 0;
  bool too_long = false;  // the rule being read passed kMaxRuleBytes: its text is not kept
  auto finish = [&] {
    RuleError error;
    if (too_long) {
      out.errors.push_back({file, segments.front().line, 1, 0,
                            "rule longer than " + std::to_string(kMaxRuleBytes) + " bytes (not read)"});
      too_long = false;
    } else if (auto rule = parseLogicalRule(logical, file, segments, error)) {
      addRule(std::move(*rule), out);
    } else {
      out.errors.push_back(std::move(error));
    }
    logical.clear();
    segments.clear();
  };

  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (segments.empty()) {
      size_t first = 0;
      while (first < line.size() && isSpace(line[first])) ++first;
      if (first == line.size() || line[first] == '#') continue;
    }
    bool continues = !line.empty() && line.back() == '\\';
    if (continues) line.remove_suffix(1);
    segments.push_back({logical.size(), line_number});
    too_long = too_long || logical.size() + line.size() > kMaxRuleBytes;
    if (!too_long) logical.append(line);
    if (!continues) finish();
  }
  if (!segments.empty()) finish();  // the file ended on a continuation
}

bool RuleParser::parseFile(const std::string& path, ParsedRules& out) {
  BoundedFile file = readBoundedFile(path, kMaxRuleFileBytes);
  if (!file.error.empty()) {
    out.errors.push_back({path, 0, 0, 0, file.error});
    return false;
  }
  parseText(file.text, path, out);
  return true;
}

}  // namespace mamori
