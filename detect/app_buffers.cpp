#include "detect/app_buffers.h"

#include <algorithm>

#include "rules/protocol_buffers.h"

namespace mamori {
namespace {

enum class Family : uint8_t { Http, Dns, Tls, Ssh, Protocol, Frame };

struct BufferPhases {
  Family family;
  std::string_view protocol;  // Family::Protocol: which plug-in protocol
  AppPhase request;   // where the client's side (or the only side) of the buffer is
  AppPhase response;  // where the server's side is; the same for one-sided buffers
};

bool isTlsFingerprint(AppBufferId id) {
  return id == AppBufferId::Ja3Hash || id == AppBufferId::Ja3String || id == AppBufferId::Ja3sHash ||
         id == AppBufferId::Ja3sString || id == AppBufferId::Ja4Hash;
}

BufferPhases phasesOf(AppBufferId id) {
  using Id = AppBufferId;
  using P = AppPhase;
  if (appFrameOf(id)) return {Family::Frame, {}, P::Frame, P::Frame};
  if (const ProtocolBuffer* b = protocolBufferOf(id)) {
    // HTTP/2's frame keywords are on its streams' transactions, which are HTTP's.
    if (b->protocol == "http2") return {Family::Http, {}, P::HttpRequest, P::HttpResponse};
    const bool response = b->direction == BufferDirection::Response;
    return {Family::Protocol, b->protocol, response ? P::ProtocolResponse : P::ProtocolRequest,
            b->direction == BufferDirection::Request ? P::ProtocolRequest : P::ProtocolResponse};
  }
  switch (id) {
    // Each at the progress Suricata registers its inspection at: lines and headers before
    // the bodies.
    case Id::HttpUri: case Id::HttpUriRaw: case Id::HttpMethod: case Id::HttpHost: case Id::HttpHostRaw:
    case Id::HttpUserAgent: case Id::HttpRequestLine: case Id::HttpReferer:
    case Id::HttpAccept: case Id::HttpAcceptLang: case Id::HttpAcceptEnc: case Id::HttpRequestHeader:
      return {Family::Http, {}, P::HttpRequestHeaders, P::HttpRequestHeaders};
    case Id::HttpRequestBody:
      return {Family::Http, {}, P::HttpRequest, P::HttpRequest};
    case Id::HttpStatCode: case Id::HttpStatMsg: case Id::HttpResponseLine:
    case Id::HttpLocation: case Id::HttpServer: case Id::HttpResponseHeader:
      return {Family::Http, {}, P::HttpResponseHeaders, P::HttpResponseHeaders};
    case Id::HttpResponseBody:
      return {Family::Http, {}, P::HttpResponse, P::HttpResponse};
    case Id::HttpHeader: case Id::HttpHeaderRaw: case Id::HttpHeaderNames: case Id::HttpCookie:
    case Id::HttpContentType: case Id::HttpContentLen: case Id::HttpProtocol:
    case Id::HttpStart: case Id::HttpConnection: case Id::Http2HeaderName: case Id::Http2Header:
      return {Family::Http, {}, P::HttpRequestHeaders, P::HttpResponseHeaders};
    case Id::FileData:
      return {Family::Http, {}, P::HttpRequest, P::HttpResponse};
    case Id::DnsQuery: case Id::DnsOpcode: case Id::DnsRcode: case Id::DnsRrtype:
      return {Family::Dns, {}, P::DnsRequest, P::DnsResponse};
    case Id::TlsSni: case Id::Ja3Hash: case Id::Ja3String: case Id::Ja4Hash: case Id::TlsRandom:
    case Id::TlsRandomTime: case Id::TlsRandomBytes:
      return {Family::Tls, {}, P::TlsClientHello, P::TlsServerHello};
    case Id::TlsVersion: case Id::Ja3sHash: case Id::Ja3sString:
      return {Family::Tls, {}, P::TlsServerHello, P::TlsServerHello};
    case Id::TlsCertSubject: case Id::TlsCertIssuer: case Id::TlsCertSerial: case Id::TlsCertFingerprint:
    case Id::TlsCerts:
      return {Family::Tls, {}, P::TlsCertificates, P::TlsCertificates};
    case Id::SshProto: case Id::SshSoftware: case Id::FileName: case Id::FileMagic: case Id::Count:
      break;
  }
  return {Family::Ssh, {}, P::SshBanner, P::SshBanner};
}

}  // namespace

bool isFileBuffer(AppBufferId id) { return id == AppBufferId::FileName || id == AppBufferId::FileMagic; }

bool isFileRule(const Rule& rule) {
  // file_data of a protocol whose transactions carry no body (smb) is its files' bytes.
  const bool plugin_files = rule.protocol.app_layer && rule.protocol.name != "http" && rule.protocol.name != "http1";
  return rule.files.any() || std::any_of(rule.app_buffers.begin(), rule.app_buffers.end(), [&](const AppBufferMatch& b) {
           return isFileBuffer(b.buffer) || (plugin_files && b.buffer == AppBufferId::FileData);
         });
}

// A file rule is inspected once per file, with the transaction that carried it.
std::optional<AppPhase> filePhaseOf(const Rule& rule, std::string& error) {
  if (rule.direction == RuleDirection::Transactional) {
    error = "'=>' rules cannot use file keywords";
    return std::nullopt;
  }
  if (!rule.app_values.empty()) {
    error = std::string("file keywords with ") + appBufferName(rule.app_values.front().buffer);
    return std::nullopt;
  }
  for (const AppBufferMatch& b : rule.app_buffers) {
    if (!isFileBuffer(b.buffer) && phasesOf(b.buffer).family != Family::Http) {
      error = std::string("file keywords with ") + appBufferName(b.buffer) + " (files come with http transactions)";
      return std::nullopt;
    }
  }
  return AppPhase::File;
}

// The plug-in protocol whose records carry every plug-in buffer the rule names (a buffer's
// own, or one that also carries it: smb for dcerpc.iface beside smb.named_pipe); empty when
// the rule names none, or no one protocol carries them all.
std::string_view pluginProtocolOf(const Rule& rule) {
  std::vector<const ProtocolBuffer*> rows;
  for (const AppBufferMatch& b : rule.app_buffers) {
    if (const ProtocolBuffer* row = protocolBufferOf(b.buffer)) rows.push_back(row);
  }
  for (const AppValueTest& v : rule.app_values) {
    if (const ProtocolBuffer* row = protocolBufferOf(v.buffer)) rows.push_back(row);
  }
  for (const ProtocolBuffer* candidate : rows) {
    if (std::all_of(rows.begin(), rows.end(), [&](const ProtocolBuffer* r) { return r->carriedBy(candidate->protocol); })) {
      return candidate->protocol;
    }
  }
  return {};
}

std::optional<AppPhase> appPhaseOf(const Rule& rule, std::string& error) {
  if (isFileRule(rule)) return filePhaseOf(rule, error);
  const bool transactional = rule.direction == RuleDirection::Transactional;
  const std::string_view carrier = pluginProtocolOf(rule);
  std::optional<Family> family;
  std::string_view protocol;
  std::optional<AppPhase> phase;
  auto add = [&](AppBufferId id, BufferSide side) {
    BufferPhases p = phasesOf(id);
    if (p.family == Family::Protocol && !carrier.empty()) p.protocol = carrier;
    if (isTlsFingerprint(id) && carriesTlsFingerprints(rule.protocol.name)) {
      // A QUIC rule's ja3.hash or ja4.hash: the plug-in's record of the hello carries it.
      const AppPhase side = p.request == AppPhase::TlsClientHello ? AppPhase::ProtocolRequest : AppPhase::ProtocolResponse;
      p = {Family::Protocol, rule.protocol.name, side, side};
    }
    if (family && (*family != p.family || protocol != p.protocol)) {
      error = std::string("app buffers of different protocols (") + appBufferName(id) + ")";
      return false;
    }
    family = p.family;
    protocol = p.protocol;
    const bool response = side == BufferSide::ToClient || (side == BufferSide::Unnamed && rule.flow.to_client);
    const AppPhase at = response ? p.response : p.request;
    phase = phase ? std::max(*phase, at) : at;
    return true;
  };
  for (const AppBufferMatch& b : rule.app_buffers) {
    if (!add(b.buffer, b.side)) return std::nullopt;
  }
  for (const AppValueTest& v : rule.app_values) {
    if (!add(v.buffer, BufferSide::Unnamed)) return std::nullopt;
  }
  // DNS messages, SSH banners and plug-in records come one side at a time: no phase has both.
  if (transactional && family && (*family == Family::Dns || *family == Family::Ssh || *family == Family::Protocol)) {
    error = std::string("'=>' rules are for http and tls transactions (") +
            appBufferName(rule.app_buffers.front().buffer) + ")";
    return std::nullopt;
  }
  static constexpr AppPhase kServerSide[] = {AppPhase::HttpResponseHeaders, AppPhase::DnsResponse, AppPhase::TlsServerHello,
                                             AppPhase::SshBanner, AppPhase::ProtocolResponse, AppPhase::Frame};
  if (phase && (rule.flow.to_client || transactional)) phase = std::max(*phase, kServerSide[static_cast<size_t>(*family)]);
  // On the server's side, a buffer both sides have and the rule gives no side is the
  // response's, whose phase it waits for (http.stat_code with file.data: the response's
  // body, once complete).
  if (phase && *phase >= kServerSide[static_cast<size_t>(*family)] && !transactional) {
    for (const AppBufferMatch& b : rule.app_buffers) {
      if (b.side == BufferSide::Unnamed) phase = std::max(*phase, phasesOf(b.buffer).response);
    }
  }
  return phase;
}

std::optional<AppPhase> appServerPhaseToo(const Rule& rule) {
  // dns.opcode / dns.rcode / dns.rrtype, and a plug-in's integer keywords on both sides
  // (krb5_msg_type), alone look at requests and responses alike, as Suricata's do (dns.query
  // is the request's only).
  const auto both_sided_value = [](const AppValueTest& v) {
    const Family family = phasesOf(v.buffer).family;
    return family == Family::Dns || (protocolBufferOf(v.buffer) && appBufferDirection(v.buffer) == BufferDirection::Either);
  };
  const bool values_only = rule.app_buffers.empty() && !rule.app_values.empty() &&
                           std::all_of(rule.app_values.begin(), rule.app_values.end(), both_sided_value);
  if (values_only && !rule.flow.to_server && !rule.flow.to_client) return phasesOf(rule.app_values.front().buffer).response;
  if (rule.flow.to_server || rule.flow.to_client || rule.direction == RuleDirection::Transactional ||
      rule.app_buffers.empty() || !rule.app_values.empty() || isFileRule(rule)) {
    return std::nullopt;
  }
  std::optional<AppPhase> server;
  for (const AppBufferMatch& b : rule.app_buffers) {
    const BufferPhases p = phasesOf(b.buffer);
    const bool both_sides = appBufferDirection(b.buffer) == BufferDirection::Either;
    if (p.family == Family::Dns || p.family == Family::Ssh || p.family == Family::Frame || !both_sides) {
      return std::nullopt;
    }
    server = p.response;
  }
  return server;
}

std::string_view canonicalAppProto(std::string_view name) {
  if (name == "http1" || name == "http2") return "http";
  if (name == "ssl") return "tls";
  return name;
}

}  // namespace mamori
