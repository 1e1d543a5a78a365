#include "rules/rule.h"

#include "rules/protocol_buffers.h"

namespace mamori {

const char* ruleActionName(RuleAction action) {
  switch (action) {
    case RuleAction::Alert: return "alert";
    case RuleAction::Pass: return "pass";
    case RuleAction::Drop: return "drop";
    case RuleAction::Reject: return "reject";
    case RuleAction::RejectSrc: return "rejectsrc";
    case RuleAction::RejectDst: return "rejectdst";
    case RuleAction::RejectBoth: return "rejectboth";
  }
  return "alert";
}

const char* appBufferName(AppBufferId id) {
  static constexpr const char* kNames[kAppBufferCount] = {
      "http.uri", "http.uri.raw", "http.method", "http.host", "http.host.raw", "http.user_agent", "http.header",
      "http.header.raw", "http.header_names", "http.cookie", "http.content_type", "http.content_len",
      "http.request_body", "http.response_body", "file.data", "http.stat_code", "http.stat_msg", "http.protocol",
      "http.request_line", "http.response_line", "http.start", "http.referer", "http.accept", "http.accept_lang",
      "http.accept_enc", "http.connection", "http.location", "http.server", "dns.query", "tls.sni",
      "tls.cert_subject", "tls.cert_issuer", "tls.cert_serial", "tls.cert_fingerprint", "tls.certs", "ja3.hash",
      "ja3.string", "ja3s.hash", "ja3s.string", "ssh.proto", "ssh.software", "tls.version",
      "tls.random", "tls.random_time", "tls.random_bytes", "http.request_header", "http.response_header",
      "dns.opcode", "dns.rcode", "dns.rrtype",
      "file.name", "file.magic", "http2.header_name", "http2.header", "ja4.hash",
  };
  const size_t i = static_cast<size_t>(id);
  if (const ProtocolBuffer* p = protocolBufferOf(id)) return p->keyword.data();
  if (const std::optional<uint8_t> frame = appFrameOf(id)) return kAppFrameTypes[*frame].name.data();
  return i < kAppBufferCount ? kNames[i] : "";
}

BufferDirection appBufferDirection(AppBufferId id) {
  if (const ProtocolBuffer* p = protocolBufferOf(id)) return p->direction;
  if (appFrameOf(id)) return BufferDirection::Either;  // frames come from both sides
  using Id = AppBufferId;
  switch (id) {
    case Id::HttpUri: case Id::HttpUriRaw: case Id::HttpMethod: case Id::HttpHost: case Id::HttpHostRaw:
    case Id::HttpUserAgent: case Id::HttpRequestBody: case Id::HttpRequestLine: case Id::HttpReferer:
    case Id::HttpAccept: case Id::HttpAcceptLang: case Id::HttpAcceptEnc: case Id::HttpRequestHeader:
    case Id::TlsSni: case Id::Ja3Hash: case Id::Ja3String: case Id::Ja4Hash:
      return BufferDirection::Request;
    case Id::HttpStatCode: case Id::HttpStatMsg: case Id::HttpResponseLine: case Id::HttpResponseBody:
    case Id::HttpLocation: case Id::HttpServer: case Id::HttpResponseHeader: case Id::TlsCertSubject:
    case Id::TlsCertIssuer: case Id::TlsCertSerial: case Id::TlsCertFingerprint: case Id::TlsCerts:
    case Id::Ja3sHash: case Id::Ja3sString: case Id::TlsVersion:
      return BufferDirection::Response;
    case Id::HttpHeader: case Id::HttpHeaderRaw: case Id::HttpHeaderNames: case Id::HttpCookie:
    case Id::HttpContentType: case Id::HttpContentLen: case Id::FileData: case Id::HttpProtocol:
    case Id::HttpStart: case Id::HttpConnection: case Id::DnsQuery: case Id::TlsRandom: case Id::TlsRandomTime:
    case Id::TlsRandomBytes: case Id::SshProto: case Id::SshSoftware: case Id::DnsOpcode: case Id::DnsRcode:
    case Id::DnsRrtype: case Id::FileName: case Id::FileMagic: case Id::Http2HeaderName: case Id::Http2Header:
    case Id::Count:
      break;
  }
  return BufferDirection::Either;
}

}  // namespace mamori
