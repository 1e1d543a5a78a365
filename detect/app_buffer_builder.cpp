#include "detect/app_buffer_builder.h"

#include <algorithm>

#include "rules/protocol_buffers.h"

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

// A plug-in record's TLS hello fingerprint (QUIC's), named by its TLS keyword.
std::optional<AppBufferId> tlsFingerprintNamed(std::string_view name) {
  static constexpr AppBufferId kFingerprints[] = {AppBufferId::Ja3Hash, AppBufferId::Ja3String, AppBufferId::Ja3sHash,
                                                  AppBufferId::Ja3sString, AppBufferId::Ja4Hash};
  for (const AppBufferId id : kFingerprints) {
    if (name == appBufferName(id)) return id;
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

void AppBufferBuilder::add(AppBufferId id, std::string_view bytes, BufferSide from) {
  const BufferSide side = appBufferDirection(id) == BufferDirection::Either ? from : BufferSide::Unnamed;
  buffers_.push_back({id, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), side});
}

// Each line of a "\r\n"-separated block (header lines, or header names), and the cookie
// line the block leaves out, one buffer each.
void AppBufferBuilder::addHeaderLines(AppBufferId id, std::string_view block, std::string_view cookie_line,
                                      BufferSide from) {
  while (!block.empty()) {
    const size_t end = std::min(block.find("\r\n"), block.size());
    if (end > 0) add(id, block.substr(0, end), from);
    block.remove_prefix(std::min(end + 2, block.size()));
  }
  if (!cookie_line.empty()) add(id, cookie_line, from);
}

// The request's buffers, its side of those both sides have too: a response phase hands
// them in for '=>' rules that name the request's side ("http.header: to_server").
void AppBufferBuilder::addRequest(const HttpTransaction& tx) {
  constexpr BufferSide from = BufferSide::ToServer;
  add(AppBufferId::HttpUri, tx.uri, from);
  add(AppBufferId::HttpUriRaw, tx.uri_raw, from);
  add(AppBufferId::HttpMethod, tx.method, from);
  if (!tx.host.empty()) add(AppBufferId::HttpHost, tx.host, from);
  if (!tx.host_raw.empty()) add(AppBufferId::HttpHostRaw, tx.host_raw, from);
  if (headerValue(tx.request_headers, "User-Agent")) add(AppBufferId::HttpUserAgent, tx.user_agent, from);
  if (!tx.request_body.empty()) add(AppBufferId::HttpRequestBody, tx.request_body, from);
  add(AppBufferId::HttpRequestLine, tx.request_line, from);
  if (headerValue(tx.request_headers, "Referer")) add(AppBufferId::HttpReferer, tx.referer, from);
  for (auto [id, name] : {std::pair{AppBufferId::HttpAccept, "Accept"}, std::pair{AppBufferId::HttpAcceptLang, "Accept-Language"},
                          std::pair{AppBufferId::HttpAcceptEnc, "Accept-Encoding"}}) {
    if (const auto value = headerValue(tx.request_headers, name)) add(id, *value, from);
  }
  addHeaderBlock(from, {AppBufferId::HttpRequestHeader, tx.request_line, tx.request_headers, tx.request_headers_raw,
                        tx.request_header_names, tx.request_cookie_line, tx.request_content_type,
                        tx.request_content_length, tx.protocol, tx.http2_stream != 0});
  addHttp2Frames(tx.http2_request_frames, from);
  if (!tx.cookie.empty()) add(AppBufferId::HttpCookie, tx.cookie, from);
  if (!tx.request_body.empty()) add(AppBufferId::FileData, tx.request_body, from);
  if (const auto connection = headerValue(tx.request_headers, "Connection")) {
    add(AppBufferId::HttpConnection, *connection, from);
  }
}

void AppBufferBuilder::addResponse(const HttpTransaction& tx) {
  constexpr BufferSide from = BufferSide::ToClient;
  add(AppBufferId::HttpStatCode, keep(std::to_string(tx.status)), from);
  add(AppBufferId::HttpStatMsg, tx.status_msg, from);
  add(AppBufferId::HttpResponseLine, tx.response_line, from);
  if (!tx.response_body.empty()) {
    add(AppBufferId::HttpResponseBody, tx.response_body, from);
    add(AppBufferId::FileData, tx.response_body, from);
  }
  if (headerValue(tx.response_headers, "Location")) add(AppBufferId::HttpLocation, tx.location, from);
  for (auto [id, name] : {std::pair{AppBufferId::HttpServer, "Server"}, std::pair{AppBufferId::HttpCookie, "Set-Cookie"},
                          std::pair{AppBufferId::HttpConnection, "Connection"}}) {
    if (const auto value = headerValue(tx.response_headers, name)) add(id, *value, from);
  }
  addHeaderBlock(from, {AppBufferId::HttpResponseHeader, tx.response_line, tx.response_headers, tx.response_headers_raw,
                        tx.response_header_names, tx.response_cookie_line, tx.response_content_type,
                        tx.response_content_length, tx.response_protocol, tx.http2_stream != 0});
  addHttp2Frames(tx.http2_response_frames, from);
}

// The http2.* keywords' values: each of a run's fixed-width values a buffer of its own.
void AppBufferBuilder::addHttp2Frames(const Http2FrameValues& frames, BufferSide from) {
  if (frames.empty()) return;
  static const std::pair<AppBufferId, size_t> kRuns[] = {
      {*protocolBufferNamed("http2.frametype"), 1}, {*protocolBufferNamed("http2.errorcode"), 4},
      {*protocolBufferNamed("http2.priority"), 1},  {*protocolBufferNamed("http2.window"), 4},
      {*protocolBufferNamed("http2.size_update"), 8}, {*protocolBufferNamed("http2.settings"), 6},
  };
  const std::string* runs[] = {&frames.types,   &frames.error_codes,  &frames.priorities,
                               &frames.windows, &frames.size_updates, &frames.settings};
  for (size_t i = 0; i < std::size(kRuns); ++i) {
    const auto [id, width] = kRuns[i];
    const std::string_view run = *runs[i];
    for (size_t at = 0; at + width <= run.size(); at += width) add(id, run.substr(at, width), from);
  }
}

// The buffers a request and a response both have, from one side's start line and headers.
void AppBufferBuilder::addHeaderBlock(BufferSide from, const HeaderBlock& m) {
  addHeaderLines(m.line_id, m.headers, m.cookie_line, from);
  if (m.http2) {
    // http2.header ("name: value") and http2.header_name, one instance per field,
    // pseudo-headers included, as Suricata gives them.
    addHeaderLines(AppBufferId::Http2Header, m.headers, m.cookie_line, from);
    addHeaderLines(AppBufferId::Http2HeaderName, m.header_names, {}, from);
  }
  add(AppBufferId::HttpHeader, m.headers, from);
  add(AppBufferId::HttpHeaderRaw, m.headers_raw, from);
  add(AppBufferId::HttpHeaderNames, m.header_names, from);
  if (!m.content_type.empty()) add(AppBufferId::HttpContentType, m.content_type, from);
  if (m.content_length >= 0) add(AppBufferId::HttpContentLen, keep(std::to_string(m.content_length)), from);
  add(AppBufferId::HttpProtocol, m.protocol, from);
  std::string start(m.start_line);
  start.append("\r\n").append(m.headers).append("\r\n");
  add(AppBufferId::HttpStart, keep(std::move(start)), from);
}

// tls.random, and its first 4 bytes (once a time) and last 28 apart.
void AppBufferBuilder::addRandom(const std::array<uint8_t, 32>& random, BufferSide from) {
  const std::string_view bytes(reinterpret_cast<const char*>(random.data()), random.size());
  add(AppBufferId::TlsRandom, bytes, from);
  add(AppBufferId::TlsRandomTime, bytes.substr(0, 4), from);
  add(AppBufferId::TlsRandomBytes, bytes.substr(4), from);
}

// dns.opcode, dns.rcode and each query's dns.rrtype, as big-endian bytes of their own.
void AppBufferBuilder::addDnsNumbers(const DnsMessage& dns, BufferSide from) {
  dns_numbers_.resize(2 + 2 * dns.queries.size());  // sized first: the views below stay valid
  dns_numbers_[0] = static_cast<char>(dns.opcode);
  dns_numbers_[1] = static_cast<char>(dns.rcode);
  const std::string_view numbers = dns_numbers_;
  add(AppBufferId::DnsOpcode, numbers.substr(0, 1), from);
  add(AppBufferId::DnsRcode, numbers.substr(1, 1), from);
  for (size_t i = 0; i < dns.queries.size(); ++i) {
    dns_numbers_[2 + 2 * i] = static_cast<char>(dns.queries[i].rrtype >> 8);
    dns_numbers_[3 + 2 * i] = static_cast<char>(dns.queries[i].rrtype & 0xff);
    add(AppBufferId::DnsRrtype, numbers.substr(2 + 2 * i, 2), from);
  }
}

void AppBufferBuilder::addClientHello(const TlsHandshake& tls) {
  constexpr BufferSide from = BufferSide::ToServer;
  if (!tls.sni.empty()) add(AppBufferId::TlsSni, tls.sni, from);
  if (!tls.ja3_hash.empty()) {
    add(AppBufferId::Ja3Hash, tls.ja3_hash, from);
    add(AppBufferId::Ja3String, tls.ja3_string, from);
  }
  if (!tls.ja4_hash.empty()) add(AppBufferId::Ja4Hash, tls.ja4_hash, from);
  if (tls.client_random_seen) addRandom(tls.client_random, from);
}

void AppBufferBuilder::addServerHello(const TlsHandshake& tls) {
  constexpr BufferSide from = BufferSide::ToClient;
  addClientHello(tls);
  if (!tls.ja3s_hash.empty()) {
    add(AppBufferId::Ja3sHash, tls.ja3s_hash, from);
    add(AppBufferId::Ja3sString, tls.ja3s_string, from);
  }
  if (tls.version) {
    std::string version{static_cast<char>(tls.version >> 8), static_cast<char>(tls.version & 0xff)};
    add(AppBufferId::TlsVersion, keep(std::move(version)), from);
  }
  addRandom(tls.server_random, from);
}

std::optional<AppPhase> AppBufferBuilder::build(const AppRecord& record) {
  buffers_.clear();
  scratch_used_ = 0;
  switch (record.event) {
    case AppEvent::HttpRequestHeaders:
      addRequest(std::get<HttpTransaction>(record.body));
      return AppPhase::HttpRequestHeaders;
    case AppEvent::HttpRequest:
      addRequest(std::get<HttpTransaction>(record.body));
      return AppPhase::HttpRequest;
    case AppEvent::HttpResponseHeaders:
    case AppEvent::HttpResponse: {
      const auto& tx = std::get<HttpTransaction>(record.body);
      addRequest(tx);
      addResponse(tx);
      return record.event == AppEvent::HttpResponse ? AppPhase::HttpResponse : AppPhase::HttpResponseHeaders;
    }
    case AppEvent::DnsMessage: {
      const auto& dns = std::get<DnsMessage>(record.body);
      const BufferSide from = dns.response ? BufferSide::ToClient : BufferSide::ToServer;
      for (const DnsQuery& q : dns.queries) add(AppBufferId::DnsQuery, q.rrname, from);
      addDnsNumbers(dns, from);
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
        add(AppBufferId::TlsCertSubject, leaf.subject, BufferSide::ToClient);
        add(AppBufferId::TlsCertIssuer, leaf.issuer, BufferSide::ToClient);
        add(AppBufferId::TlsCertSerial, leaf.serial, BufferSide::ToClient);
        add(AppBufferId::TlsCertFingerprint, leaf.fingerprint, BufferSide::ToClient);
      }
      for (const TlsCertificate& c : tls.certificates) {
        add(AppBufferId::TlsCerts, std::string_view(reinterpret_cast<const char*>(c.der.data()), c.der.size()),
            BufferSide::ToClient);
      }
      return AppPhase::TlsCertificates;
    }
    case AppEvent::SshBanner: {
      const auto& ssh = std::get<SshSession>(record.body);
      const bool client = record.dir == Direction::ToServer;
      const SshBanner& banner = client ? ssh.client : ssh.server;
      const BufferSide from = client ? BufferSide::ToServer : BufferSide::ToClient;
      add(AppBufferId::SshProto, banner.proto, from);
      add(AppBufferId::SshSoftware, banner.software, from);
      return AppPhase::SshBanner;
    }
    case AppEvent::Protocol: {
      // Each field is the buffer its keyword names; one no rule keyword names is not inspected.
      const auto& tx = std::get<ProtocolTransaction>(record.body);
      const bool client = tx.role.value_or(record.dir) == Direction::ToServer;
      const BufferSide from = client ? BufferSide::ToServer : BufferSide::ToClient;
      for (const ProtocolField& f : tx.fields) {
        if (const std::optional<AppBufferId> id = protocolBufferNamed(f.name)) {
          add(*id, tx.value(f), from);
        } else if (const std::optional<AppBufferId> fp = tlsFingerprintNamed(f.name)) {
          add(*fp, tx.value(f), from);
        }
      }
      return client ? AppPhase::ProtocolRequest : AppPhase::ProtocolResponse;
    }
    case AppEvent::FileDone: {
      const auto& info = std::get<FileInfo>(record.body);
      const BufferSide from = info.file.dir == Direction::ToServer ? BufferSide::ToServer : BufferSide::ToClient;
      add(AppBufferId::FileName, info.file.name, from);
      if (!info.file.magic.empty()) add(AppBufferId::FileMagic, info.file.magic, from);
      if (info.http) {
        addRequest(*info.http);
        if (info.file.dir == Direction::ToClient) addResponse(*info.http);
      }
      // A plug-in's file (SMB): its transaction has no body, file_data is the file's bytes.
      if (info.file.keeps_data && !info.file.data.empty()) add(AppBufferId::FileData, info.file.data, from);
      return AppPhase::File;
    }
    case AppEvent::ParserEvents: {
      // An HTTP/2 connection's frame (stream 0), a transaction of its own on its sender's side.
      const auto* tx = std::get_if<HttpTransaction>(&record.body);
      if (!tx || (tx->http2_request_frames.empty() && tx->http2_response_frames.empty())) return std::nullopt;
      const bool client = record.dir == Direction::ToServer;
      addHttp2Frames(client ? tx->http2_request_frames : tx->http2_response_frames,
                     client ? BufferSide::ToServer : BufferSide::ToClient);
      return client ? AppPhase::HttpRequest : AppPhase::HttpResponse;
    }
    case AppEvent::TlsDone:
    case AppEvent::SshDone:
    case AppEvent::FileLogged: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace mamori
