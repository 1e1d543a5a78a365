#include "detect/app_buffer_builder.h"

namespace mamori {
namespace {

constexpr size_t kScratchSlots = 8;

// The value of header `name` in a "Name: value\r\n" block; nullopt when the block has no
// such header, as a header sent with no value is an empty buffer in Suricata.
std::optional<std::string_view> headerValue(std::string_view block, std::string_view name) {
  size_t at = 0;
  while (at < block.size()) {
    const size_t end = block.find("\r\n", at);
    const std::string_view line = block.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    const size_t colon = line.find(':');
    if (colon == name.size()) {
      bool same = true;
      for (size_t i = 0; i < name.size() && same; ++i) {
        same = (line[i] | 0x20) == (name[i] | 0x20);
      }
      if (same) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        return value;
      }
    }
    if (end == std::string_view::npos) break;
    at = end + 2;
  }
  return std::nullopt;
}

}  // namespace

std::string_view AppBufferBuilder::keep(std::string text) {
  if (scratch_.size() < kScratchSlots) scratch_.resize(kScratchSlots);
  std::string& slot = scratch_[scratch_used_++ % kScratchSlots];
  slot = std::move(text);
  return slot;
}

void AppBufferBuilder::add(AppBufferId id, std::string_view bytes) {
  buffers_.push_back({id, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

// The request's buffers; `two_sided`: also its side of the buffers requests and responses
// both have (headers, cookie, content type, ...), which a response phase takes from the
// response instead.
void AppBufferBuilder::addRequest(const HttpTransaction& tx, bool two_sided) {
  add(AppBufferId::HttpUri, tx.uri);
  add(AppBufferId::HttpUriRaw, tx.uri_raw);
  add(AppBufferId::HttpMethod, tx.method);
  if (!tx.host.empty()) add(AppBufferId::HttpHost, tx.host);
  if (!tx.host_raw.empty()) add(AppBufferId::HttpHostRaw, tx.host_raw);
  if (headerValue(tx.request_headers, "User-Agent")) add(AppBufferId::HttpUserAgent, tx.user_agent);
  if (!tx.request_body.empty()) add(AppBufferId::HttpRequestBody, tx.request_body);
  add(AppBufferId::HttpRequestLine, tx.request_line);
  if (headerValue(tx.request_headers, "Referer")) add(AppBufferId::HttpReferer, tx.referer);
  for (auto [id, name] : {std::pair{AppBufferId::HttpAccept, "Accept"}, std::pair{AppBufferId::HttpAcceptLang, "Accept-Language"},
                          std::pair{AppBufferId::HttpAcceptEnc, "Accept-Encoding"}}) {
    if (const auto value = headerValue(tx.request_headers, name)) add(id, *value);
  }
  if (!two_sided) return;
  add(AppBufferId::HttpHeader, tx.request_headers);
  add(AppBufferId::HttpHeaderRaw, tx.request_headers);
  add(AppBufferId::HttpHeaderNames, tx.request_header_names);
  if (!tx.cookie.empty()) add(AppBufferId::HttpCookie, tx.cookie);
  if (!tx.request_content_type.empty()) add(AppBufferId::HttpContentType, tx.request_content_type);
  if (tx.request_content_length >= 0) add(AppBufferId::HttpContentLen, keep(std::to_string(tx.request_content_length)));
  if (!tx.request_body.empty()) add(AppBufferId::FileData, tx.request_body);
  add(AppBufferId::HttpProtocol, tx.protocol);
  add(AppBufferId::HttpStart, keep(tx.request_line + "\r\n" + tx.request_headers + "\r\n"));
  if (const auto connection = headerValue(tx.request_headers, "Connection")) add(AppBufferId::HttpConnection, *connection);
}

void AppBufferBuilder::addResponse(const HttpTransaction& tx) {
  add(AppBufferId::HttpStatCode, keep(std::to_string(tx.status)));
  add(AppBufferId::HttpStatMsg, tx.status_msg);
  add(AppBufferId::HttpResponseLine, tx.response_line);
  if (!tx.response_body.empty()) {
    add(AppBufferId::HttpResponseBody, tx.response_body);
    add(AppBufferId::FileData, tx.response_body);
  }
  if (headerValue(tx.response_headers, "Location")) add(AppBufferId::HttpLocation, tx.location);
  for (auto [id, name] : {std::pair{AppBufferId::HttpServer, "Server"}, std::pair{AppBufferId::HttpCookie, "Set-Cookie"},
                          std::pair{AppBufferId::HttpConnection, "Connection"}}) {
    if (const auto value = headerValue(tx.response_headers, name)) add(id, *value);
  }
  add(AppBufferId::HttpHeader, tx.response_headers);
  add(AppBufferId::HttpHeaderRaw, tx.response_headers);
  add(AppBufferId::HttpHeaderNames, tx.response_header_names);
  if (!tx.response_content_type.empty()) add(AppBufferId::HttpContentType, tx.response_content_type);
  if (tx.response_content_length >= 0) add(AppBufferId::HttpContentLen, keep(std::to_string(tx.response_content_length)));
  add(AppBufferId::HttpProtocol, tx.response_protocol);
  add(AppBufferId::HttpStart, keep(tx.response_line + "\r\n" + tx.response_headers + "\r\n"));
}

void AppBufferBuilder::addClientHello(const TlsHandshake& tls) {
  if (!tls.sni.empty()) add(AppBufferId::TlsSni, tls.sni);
  if (!tls.ja3_hash.empty()) {
    add(AppBufferId::Ja3Hash, tls.ja3_hash);
    add(AppBufferId::Ja3String, tls.ja3_string);
  }
}

void AppBufferBuilder::addServerHello(const TlsHandshake& tls) {
  addClientHello(tls);
  if (!tls.ja3s_hash.empty()) {
    add(AppBufferId::Ja3sHash, tls.ja3s_hash);
    add(AppBufferId::Ja3sString, tls.ja3s_string);
  }
  if (tls.version) {
    std::string version{static_cast<char>(tls.version >> 8), static_cast<char>(tls.version & 0xff)};
    add(AppBufferId::TlsVersion, keep(std::move(version)));
  }
}

std::optional<AppPhase> AppBufferBuilder::build(const AppRecord& record) {
  buffers_.clear();
  scratch_used_ = 0;
  switch (record.event) {
    case AppEvent::HttpRequest:
      addRequest(std::get<HttpTransaction>(record.body), true);
      return AppPhase::HttpRequest;
    case AppEvent::HttpResponse: {
      const auto& tx = std::get<HttpTransaction>(record.body);
      addRequest(tx, false);
      addResponse(tx);
      return AppPhase::HttpResponse;
    }
    case AppEvent::DnsMessage: {
      const auto& dns = std::get<DnsMessage>(record.body);
      for (const DnsQuery& q : dns.queries) add(AppBufferId::DnsQuery, q.rrname);
      return dns.response ? AppPhase::DnsResponse : AppPhase::DnsRequest;
    }
    case AppEvent::TlsClientHello:
      addClientHello(std::get<TlsHandshake>(record.body));
      return AppPhase::TlsClientHello;
    case AppEvent::TlsServerHello:
      addServerHello(std::get<TlsHandshake>(record.body));
      return AppPhase::TlsServerHello;
    case AppEvent::TlsCertificates: {
      const auto& tls = std::get<TlsHandshake>(record.body);
      addServerHello(tls);
      if (!tls.certificates.empty()) {
        const TlsCertificate& leaf = tls.certificates.front();
        add(AppBufferId::TlsCertSubject, leaf.subject);
        add(AppBufferId::TlsCertIssuer, leaf.issuer);
        add(AppBufferId::TlsCertSerial, leaf.serial);
        add(AppBufferId::TlsCertFingerprint, leaf.fingerprint);
      }
      for (const TlsCertificate& c : tls.certificates) {
        add(AppBufferId::TlsCerts, std::string_view(reinterpret_cast<const char*>(c.der.data()), c.der.size()));
      }
      return AppPhase::TlsCertificates;
    }
    case AppEvent::TlsDone: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace mamori
