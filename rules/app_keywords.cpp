// Keywords about app-layer data: sticky buffers (http.uri, dns.query, tls.sni, ...) and
// the legacy content modifiers that move the content before them into a buffer
// (http_uri, http_header, ...), the buffer tests bsize and urilen, transforms, and the
// value tests tls.version / ssl_version, dns.opcode / dns.rcode / dns.rrtype and
// app-layer-protocol.
#include <algorithm>
#include <cctype>

#include "rules/keyword_support.h"
#include "rules/protocol_buffers.h"

namespace mamori::keywords {
namespace {

using Id = AppBufferId;

// Sticky-buffer names, Suricata's dotted ones and the older underscore spellings that
// Suricata also treats as sticky buffers (dns_query, tls_sni, file_data, ...).
constexpr std::pair<std::string_view, Id> kStickyBuffers[] = {
    {"http.uri", Id::HttpUri},
    {"http.uri.raw", Id::HttpUriRaw},
    {"http.method", Id::HttpMethod},
    {"http.host", Id::HttpHost},
    {"http.host.raw", Id::HttpHostRaw},
    {"http.user_agent", Id::HttpUserAgent},
    {"http.header", Id::HttpHeader},
    {"http.header.raw", Id::HttpHeaderRaw},
    {"http.header_names", Id::HttpHeaderNames},
    {"http_header_names", Id::HttpHeaderNames},
    {"http.cookie", Id::HttpCookie},
    {"http.content_type", Id::HttpContentType},
    {"http_content_type", Id::HttpContentType},
    {"http.content_len", Id::HttpContentLen},
    {"http_content_len", Id::HttpContentLen},
    {"http.request_body", Id::HttpRequestBody},
    {"http.response_body", Id::HttpResponseBody},
    {"http.server_body", Id::HttpResponseBody},
    {"file.data", Id::FileData},
    {"file_data", Id::FileData},
    {"http.stat_code", Id::HttpStatCode},
    {"http.stat_msg", Id::HttpStatMsg},
    {"http.protocol", Id::HttpProtocol},
    {"http_protocol", Id::HttpProtocol},
    {"http.request_line", Id::HttpRequestLine},
    {"http_request_line", Id::HttpRequestLine},
    {"http.response_line", Id::HttpResponseLine},
    {"http_response_line", Id::HttpResponseLine},
    {"http.start", Id::HttpStart},
    {"http_start", Id::HttpStart},
    {"http.referer", Id::HttpReferer},
    {"http_referer", Id::HttpReferer},
    {"http.accept", Id::HttpAccept},
    {"http_accept", Id::HttpAccept},
    {"http.accept_lang", Id::HttpAcceptLang},
    {"http_accept_lang", Id::HttpAcceptLang},
    {"http.accept_enc", Id::HttpAcceptEnc},
    {"http_accept_enc", Id::HttpAcceptEnc},
    {"http.connection", Id::HttpConnection},
    {"http_connection", Id::HttpConnection},
    {"http.location", Id::HttpLocation},
    {"http.server", Id::HttpServer},
    {"dns.query", Id::DnsQuery},
    {"dns_query", Id::DnsQuery},
    {"tls.sni", Id::TlsSni},
    {"tls_sni", Id::TlsSni},
    {"tls.cert_subject", Id::TlsCertSubject},
    {"tls_cert_subject", Id::TlsCertSubject},
    {"tls.cert_issuer", Id::TlsCertIssuer},
    {"tls_cert_issuer", Id::TlsCertIssuer},
    {"tls.cert_serial", Id::TlsCertSerial},
    {"tls_cert_serial", Id::TlsCertSerial},
    {"tls.cert_fingerprint", Id::TlsCertFingerprint},
    {"tls_cert_fingerprint", Id::TlsCertFingerprint},
    {"tls.certs", Id::TlsCerts},
    {"ja3.hash", Id::Ja3Hash},
    {"ja3_hash", Id::Ja3Hash},
    {"ja3.string", Id::Ja3String},
    {"ja3_string", Id::Ja3String},
    {"ja3s.hash", Id::Ja3sHash},
    {"ja3s.string", Id::Ja3sString},
    {"ja4.hash", Id::Ja4Hash},
    {"ssh.proto", Id::SshProto},
    {"ssh_proto", Id::SshProto},
    {"ssh.software", Id::SshSoftware},
    {"ssh_software", Id::SshSoftware},
    {"tls.random", Id::TlsRandom},
    {"tls.random_time", Id::TlsRandomTime},
    {"tls.random_bytes", Id::TlsRandomBytes},
    {"http.request_header", Id::HttpRequestHeader},
    {"http.response_header", Id::HttpResponseHeader},
    {"file.name", Id::FileName},
    {"file.magic", Id::FileMagic},
    {"http2.header_name", Id::Http2HeaderName},
    {"http2.header", Id::Http2Header},
};

// Legacy content modifiers: they apply to the content just before them.
constexpr std::pair<std::string_view, Id> kModifiers[] = {
    {"http_uri", Id::HttpUri},
    {"http_raw_uri", Id::HttpUriRaw},
    {"http_method", Id::HttpMethod},
    {"http_header", Id::HttpHeader},
    {"http_raw_header", Id::HttpHeaderRaw},
    {"http_cookie", Id::HttpCookie},
    {"http_user_agent", Id::HttpUserAgent},
    {"http_host", Id::HttpHost},
    {"http_raw_host", Id::HttpHostRaw},
    {"http_client_body", Id::HttpRequestBody},
    {"http_server_body", Id::HttpResponseBody},
    {"http_stat_code", Id::HttpStatCode},
    {"http_stat_msg", Id::HttpStatMsg},
};

// "file.data: to_client": which side's instance of a buffer both sides have. A '=>' rule
// must name it (it sees both sides); in another rule it is the rule's direction, as
// flow:to_client would be.
bool applyStickyBuffer(OptionContext& ctx, const RawOption& o) {
  if (!ctx.mayLeaveChain(o)) return false;
  const std::optional<Id> builtin = lookup(kStickyBuffers, o.name);
  const Id id = builtin ? *builtin : *protocolBufferNamed(o.name);
  const bool transactional = ctx.rule.direction == RuleDirection::Transactional;
  const std::string name(o.name);
  BufferSide side = BufferSide::Unnamed;
  if (o.has_value) {
    if (o.value == "to_server") {
      side = BufferSide::ToServer;
    } else if (o.value == "to_client") {
      side = BufferSide::ToClient;
    } else {
      return ctx.fail(o.value_offset,
                      "invalid direction '" + std::string(o.value) + "' for " + name + " (to_server or to_client)");
    }
    if (appBufferDirection(id) != BufferDirection::Either) {
      const bool request = appBufferDirection(id) == BufferDirection::Request;
      return ctx.fail(o.value_offset, name + " takes no direction: it is the " + (request ? "request's" : "response's"));
    }
  } else if (transactional && appBufferDirection(id) == BufferDirection::Either) {
    return ctx.fail(o.name_offset, name + " is in both directions: a '=>' rule names one (" + name + ": to_server or " +
                                       name + ": to_client)");
  }
  if (side != BufferSide::Unnamed && !transactional) {
    FlowTests& f = ctx.rule.flow;
    if (side == BufferSide::ToServer ? f.to_client : f.to_server) {
      return ctx.fail(o.value_offset, name + ": " + std::string(o.value) + " contradicts the rule's other direction");
    }
    (side == BufferSide::ToServer ? f.to_server : f.to_client) = true;
  }
  ctx.current = ctx.appBuffer(id, side);
  return true;
}

// Moves the content before the modifier from the payload into the buffer, where the
// keywords after it that modify a content (nocase, distance, fast_pattern) still find it.
bool applyModifier(OptionContext& ctx, const RawOption& o) {
  if (!ctx.mayLeaveChain(o)) return false;
  const Id id = *lookup(kModifiers, o.name);
  if (ctx.rule.direction == RuleDirection::Transactional && appBufferDirection(id) == BufferDirection::Either) {
    return ctx.fail(o.name_offset, "'" + std::string(o.name) +
                                       "' is in both directions: a '=>' rule names one with the sticky buffer (" +
                                       appBufferName(id) + ": to_server or to_client)");
  }
  if (ctx.current.buffer >= 0) {
    if (ctx.current.app && ctx.rule.app_buffers[ctx.current.buffer].buffer == id) return true;
    return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' after a sticky buffer (it modifies payload contents)");
  }
  if (ctx.last_content < 0) return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' needs a preceding 'content'");
  if (ctx.last_content_chain.buffer >= 0) {
    const bool same = ctx.last_content_chain.app && ctx.rule.app_buffers[ctx.last_content_chain.buffer].buffer == id;
    if (same) return true;
    return ctx.fail(o.name_offset, "'" + std::string(o.name) + "': its content is already in another buffer");
  }
  auto& payload = ctx.rule.payload;
  ContentMatch content = std::move(std::get<ContentMatch>(payload[ctx.last_content]));
  payload.erase(payload.begin() + ctx.last_content);
  ctx.addContent(ctx.appBuffer(id), std::move(content));
  return true;
}

AppBufferMatch* currentAppBuffer(OptionContext& ctx, const RawOption& o) {
  if (ctx.current.buffer < 0 || !ctx.current.app) {
    ctx.fail(o.name_offset, "'" + std::string(o.name) + "' needs an app-layer sticky buffer before it");
    return nullptr;
  }
  return &ctx.rule.app_buffers[ctx.current.buffer];
}

bool setSize(OptionContext& ctx, const RawOption& o, AppBufferMatch& buffer, std::string_view text, size_t offset) {
  NumericTest test;
  if (!parseNumericTest(text, UINT32_MAX, test)) {
    return ctx.fail(offset, "invalid " + std::string(o.name) + " '" + std::string(text) + "'");
  }
  buffer.sizes.push_back(test);
  return true;
}

bool applyBsize(OptionContext& ctx, const RawOption& o) {
  AppBufferMatch* buffer = currentAppBuffer(ctx, o);
  return buffer && setSize(ctx, o, *buffer, o.value, o.value_offset);
}

// urilen:N[,norm|raw]: the length of the normalised URI (the default) or the raw one.
bool applyUrilen(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  Id id = Id::HttpUri;
  if (items.size() > 2) return ctx.fail(o.value_offset, "invalid urilen '" + std::string(o.value) + "'");
  if (items.size() == 2) {
    if (items[1].text == "raw") {
      id = Id::HttpUriRaw;
    } else if (items[1].text != "norm") {
      return ctx.fail(items[1].offset, "invalid urilen option '" + std::string(items[1].text) + "' (norm or raw)");
    }
  }
  const OptionContext::ChainRef ref = ctx.appBuffer(id);
  return setSize(ctx, o, ctx.rule.app_buffers[ref.buffer], items[0].text, items[0].offset);
}

bool applyTransform(OptionContext& ctx, const RawOption& o) {
  AppBufferMatch* buffer = currentAppBuffer(ctx, o);
  if (!buffer) return false;
  if (buffer->absence != AppBufferMatch::Absence::Present) {
    return ctx.fail(o.name_offset, "transform '" + std::string(o.name) + "' must follow its sticky buffer, before absent");
  }
  if (!buffer->matches.empty() || !buffer->sizes.empty()) {
    // The keywords before a transform inspect the buffer as it was; those after it, the
    // buffer with every transform so far: another instance of the buffer, as Suricata
    // makes it (http.uri; content:"/?q="; from_base64:offset 4; content:"secret").
    AppBufferMatch next{buffer->buffer, buffer->side, buffer->transforms, {}, {}};
    ctx.rule.app_buffers.push_back(std::move(next));
    ctx.current = {static_cast<int>(ctx.rule.app_buffers.size() - 1), true};
    buffer = &ctx.rule.app_buffers.back();
  }
  Transform transform{};
  if (!parseTransform(ctx, o, transform)) return false;
  buffer->transforms.push_back(std::move(transform));
  return true;
}

// absent[: or_else] (Suricata 8): whether the transaction has the buffer at all.
bool applyAbsent(OptionContext& ctx, const RawOption& o) {
  AppBufferMatch* buffer = currentAppBuffer(ctx, o);
  if (!buffer) return false;
  if (o.has_value && o.value != "or_else") {
    return ctx.fail(o.value_offset, "invalid absent option '" + std::string(o.value) + "' (or_else)");
  }
  if (!buffer->matches.empty() || !buffer->sizes.empty() || buffer->absence != AppBufferMatch::Absence::Present) {
    return ctx.fail(o.name_offset, "'absent' must come right after its sticky buffer");
  }
  buffer->absence = o.has_value ? AppBufferMatch::Absence::AbsentOrElse : AppBufferMatch::Absence::Absent;
  ctx.absent_at.emplace_back(ctx.current.buffer, o.name_offset);
  return true;
}

// TLS versions as the protocol numbers them; SSLv2 by its ClientHello's version field.
std::optional<uint64_t> tlsVersion(std::string_view text) {
  static const std::pair<std::string_view, uint64_t> kVersions[] = {
      {"1.0", 0x0301}, {"1.1", 0x0302}, {"1.2", 0x0303}, {"1.3", 0x0304},
      {"sslv2", 0x0200}, {"sslv3", 0x0300}, {"tls1.0", 0x0301}, {"tls1.1", 0x0302},
      {"tls1.2", 0x0303}, {"tls1.3", 0x0304},
  };
  if (auto known = lookup(kVersions, text)) return known;
  int64_t n = 0;
  if (text.starts_with("0x") && parseInt64(text, n) && n >= 0 && n <= 0xffff) return static_cast<uint64_t>(n);
  return std::nullopt;
}

// tls.version:1.2; (one version) and ssl_version:tls1.2,tls1.3; (any of them; all
// negated: none of them). A list mixing both is Suricata's per-version test: the version
// must be one of the plain ones, so the negated ones only repeat that it is not them.
bool applyTlsVersion(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (o.name == "tls.version" && items.size() != 1) return ctx.fail(o.value_offset, "tls.version takes one version");
  std::vector<uint64_t> plain, negated;
  for (const ValueItem& item : items) {
    std::string_view text = item.text;
    const bool negate = !text.empty() && text.front() == '!';
    if (negate) text = trim(text.substr(1));
    std::optional<uint64_t> version = tlsVersion(text);
    if (!version) return ctx.fail(item.offset, "unknown TLS version '" + std::string(text) + "'");
    if (std::find(plain.begin(), plain.end(), *version) != plain.end() ||
        std::find(negated.begin(), negated.end(), *version) != negated.end()) {
      return ctx.fail(item.offset, "TLS version '" + std::string(text) + "' given twice");
    }
    (negate ? negated : plain).push_back(*version);
  }
  const bool all_negated = plain.empty();
  ctx.rule.app_values.push_back({Id::TlsVersion, all_negated ? std::move(negated) : std::move(plain), all_negated, {}});
  return true;
}

// dns.opcode / dns.rcode (Suricata's u8) and dns.rrtype (u16): a comparison on the DNS
// header's field, or on any query's type.
bool applyDnsNumber(OptionContext& ctx, const RawOption& o) {
  static const std::pair<std::string_view, std::pair<Id, uint64_t>> kFields[] = {
      {"dns.opcode", {Id::DnsOpcode, 255}}, {"dns.rcode", {Id::DnsRcode, 255}}, {"dns.rrtype", {Id::DnsRrtype, 65535}},
  };
  const auto [id, max] = *lookup(kFields, o.name);
  NumericTest test;
  if (!parseNumericTest(o.value, max, test)) {
    return ctx.fail(o.value_offset, "invalid " + std::string(o.name) + " '" + std::string(o.value) + "' (0.." +
                                        std::to_string(max) + ", with < > <= >= ! or a-b)");
  }
  ctx.rule.app_values.push_back({id, {}, false, test});
  return true;
}

// A plug-in's value keyword (rules/protocol_buffers.h): an integer in Suricata's uint
// syntax, or one of the names Suricata has for its values, negated with '!'; or the
// keyword's own syntax.
bool applyProtocolNumber(OptionContext& ctx, const RawOption& o) {
  const AppBufferId id = *protocolBufferNamed(o.name);
  const ProtocolBuffer& row = *protocolBufferOf(id);
  if (row.parse_value) {
    AppValueTest values{id, {}, false, std::nullopt};
    std::string error;
    if (!row.parse_value(o.value, values, error)) return ctx.fail(o.value_offset, error);
    ctx.rule.app_values.push_back(std::move(values));
    return true;
  }
  NumericTest test;
  if (!parseNumericTest(o.value, row.number_max, test)) {
    std::string_view name = trim(o.value);
    const bool negated = !name.empty() && name.front() == '!';
    if (negated) name = trim(name.substr(1));
    const auto named = std::find_if(row.number_names.begin(), row.number_names.end(),
                                    [&](const ProtocolNumberName& n) { return n.name == name; });
    if (named == row.number_names.end()) {
      std::string names;
      for (const ProtocolNumberName& n : row.number_names) names += std::string(", ") + std::string(n.name);
      return ctx.fail(o.value_offset, "invalid " + std::string(o.name) + " '" + std::string(o.value) + "' (0.." +
                                          std::to_string(row.number_max) + ", with < > <= >= ! or a-b" + names + ")");
    }
    test = {negated ? NumericTest::Op::Ne : NumericTest::Op::Eq, named->value, 0};
  }
  ctx.rule.app_values.push_back({id, {}, false, test});
  return true;
}

// A plug-in's keyword without a value (ftpbounce): its field, as 1, must be there.
bool applyProtocolFlag(OptionContext& ctx, const RawOption& o) {
  const AppBufferId id = *protocolBufferNamed(o.name);
  ctx.rule.app_values.push_back({id, {}, false, NumericTest{NumericTest::Op::Eq, 1, 0}});
  return true;
}

// app-layer-protocol:[!]NAME[,MODE]; Suricata refuses two plain ones, or a plain and a
// negated one, in the same mode.
bool applyAppLayerProtocol(OptionContext& ctx, const RawOption& o) {
  using Mode = AppProtocolTest::Mode;
  static const std::pair<std::string_view, Mode> kModes[] = {
      {"direction", Mode::Direction}, {"final", Mode::Final},         {"either", Mode::Either},
      {"to_server", Mode::ToServer},  {"to_client", Mode::ToClient}, {"original", Mode::Original},
  };
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() > 2) return ctx.fail(items[2].offset, "app-layer-protocol takes a protocol and a mode");
  AppProtocolTest test;
  if (items.size() == 2) {
    std::optional<Mode> mode = lookup(kModes, items[1].text);
    if (!mode) {
      return ctx.fail(items[1].offset, "invalid app-layer-protocol mode '" + std::string(items[1].text) +
                                           "' (direction, final, either, to_server, to_client, original)");
    }
    test.mode = *mode;
  }
  std::string_view name = items[0].text;
  if (!name.empty() && name.front() == '!') {
    test.negated = true;
    name = trim(name.substr(1));
  }
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      })) {
    return ctx.fail(items[0].offset, "invalid app-layer-protocol '" + std::string(items[0].text) + "'");
  }
  // Detection outcomes, not protocols: the flow context says only which protocol is known.
  if (name == "failed" || name == "unknown") {
    return ctx.fail(items[0].offset, "app-layer-protocol:" + std::string(name) + " is not supported (only identified protocols are known)");
  }
  for (char c : name) test.name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const AppProtocolTest& other : ctx.rule.app_protocols) {
    if (other.mode != test.mode) continue;
    if (!(test.negated && other.negated)) {
      return ctx.fail(items[0].offset, "app-layer-protocol mixes or repeats plain protocols in one mode");
    }
    if (other.name == test.name) return ctx.fail(items[0].offset, "app-layer-protocol '" + test.name + "' given twice");
  }
  ctx.rule.app_protocols.push_back(std::move(test));
  return true;
}

// frame:<proto>.<name> (Suricata 7), or frame:<name> in a rule whose header names the
// protocol: the payload keywords after it inspect each frame of that type the protocol's
// parser cuts its stream or datagrams into (applayer/app_frame.h), on its own, as a buffer.
bool applyFrame(OptionContext& ctx, const RawOption& o) {
  if (!ctx.mayLeaveChain(o)) return false;
  const RuleProtocol& proto = ctx.rule.protocol;
  if ((!proto.ip_protocols.test(6) && !proto.ip_protocols.test(17)) || proto.name == "tcp-pkt") {
    return ctx.fail(o.name_offset, "'frame' is for tcp and udp streams and datagrams (the rule's protocol is " +
                                       proto.name + ")");
  }
  const std::string_view value = trim(o.value);
  std::string name(value);
  if (value.find('.') == std::string_view::npos) {
    if (!proto.app_layer) {
      return ctx.fail(o.value_offset, "frame '" + name + "' needs its protocol (<protocol>." + name +
                                          ") in a rule whose header names none");
    }
    name = (proto.name == "http" ? std::string("http2") : proto.name) + "." + name;
  }
  const auto* row = std::find_if(std::begin(kAppFrameTypes), std::end(kAppFrameTypes),
                                 [&](const AppFrameType& t) { return t.name == name; });
  if (row == std::end(kAppFrameTypes)) {
    std::string known;
    for (const AppFrameType& t : kAppFrameTypes) known += (known.empty() ? "" : ", ") + std::string(t.name);
    return ctx.fail(o.value_offset, "unknown frame '" + std::string(value) + "' (" + known + ")");
  }
  // An http rule covers HTTP/2 flows (Suricata's AppProtoEquals), so it may name their frames.
  if (proto.app_layer && proto.name != row->protocol && !(proto.name == "http" && row->protocol == "http2")) {
    return ctx.fail(o.value_offset, "frame '" + name + "' is " + std::string(row->protocol) + "'s, the rule's protocol is " +
                                        proto.name);
  }
  if (!ctx.rule.payload.empty()) {
    return ctx.fail(o.name_offset, "'frame' in a rule with payload keywords (a frame rule inspects frames only)");
  }
  ctx.current = ctx.appBuffer(appFrameBuffer(static_cast<uint8_t>(row - std::begin(kAppFrameTypes))));
  return true;
}

// tls.store asks Suricata to write certificates to disk; mamori stores none.
bool applyNothing(OptionContext&, const RawOption&) { return true; }

// What no parser here provides yet, with its reason.
bool applyRefused(OptionContext& ctx, const RawOption& o) {
  static const std::pair<std::string_view, std::string_view> kReasons[] = {
      {"ssl_state", "TLS handshake states are not inspected"},
  };
  return ctx.fail(o.name_offset, "unsupported keyword '" + std::string(o.name) + "' (" +
                                     std::string(*lookup(kReasons, o.name)) + ")");
}

}  // namespace

// Suricata's rules for absent, once the buffer's keywords are all known.
bool finishAppKeywords(OptionContext& ctx) {
  for (const auto& [index, at] : ctx.absent_at) {
    const AppBufferMatch& b = ctx.rule.app_buffers[index];
    const bool tested = !b.matches.empty() || !b.sizes.empty();
    if (b.absence == AppBufferMatch::Absence::Absent && tested) {
      return ctx.fail(at, "'absent' buffer also tested by other keywords (absent: or_else allows them)");
    }
    if (b.absence == AppBufferMatch::Absence::AbsentOrElse && !tested) {
      return ctx.fail(at, "'absent: or_else' needs keywords after it on its buffer");
    }
    for (const PayloadMatch& m : b.matches) {
      const auto* c = std::get_if<ContentMatch>(&m);
      if (c && c->fast_pattern) return ctx.fail(at, "'absent' and 'fast_pattern' on the same buffer");
    }
  }
  return true;
}

void addAppKeywords(KeywordTable& table) {
  for (const auto& [name, id] : kStickyBuffers) table.insert({name, {ValueRule::Optional, applyStickyBuffer}});
  for (const ProtocolBuffer& b : kProtocolBuffers) {
    const KeywordSpec handler = b.flag      ? KeywordSpec{ValueRule::Forbidden, applyProtocolFlag}
                                : b.isValue() ? KeywordSpec{ValueRule::Required, applyProtocolNumber}
                                              : KeywordSpec{ValueRule::Optional, applyStickyBuffer};
    table.insert({b.keyword, handler});
    if (!b.alias.empty()) table.insert({b.alias, handler});
  }
  for (const auto& [name, id] : kModifiers) table.insert({name, {ValueRule::Forbidden, applyModifier}});
  for (const TransformKeyword& t : transformKeywords()) table.insert({t.name, {t.value, applyTransform}});
  table.insert({
      {"bsize", {ValueRule::Required, applyBsize}},
      {"urilen", {ValueRule::Required, applyUrilen}},
      {"tls.version", {ValueRule::Required, applyTlsVersion}},
      {"ssl_version", {ValueRule::Required, applyTlsVersion}},
      {"app-layer-protocol", {ValueRule::Required, applyAppLayerProtocol}},
      {"dns.opcode", {ValueRule::Required, applyDnsNumber}},
      {"dns.rcode", {ValueRule::Required, applyDnsNumber}},
      {"dns.rrtype", {ValueRule::Required, applyDnsNumber}},
      {"tls.store", {ValueRule::Forbidden, applyNothing}},
      {"absent", {ValueRule::Optional, applyAbsent}},
      {"frame", {ValueRule::Required, applyFrame}},
      {"ssl_state", {ValueRule::Required, applyRefused}},
  });
}

}  // namespace mamori::keywords
