#pragma once
// What the app layer hands detection for one phase of a transaction, and which phase a
// rule with app-layer buffers is evaluated in (PacketInspector::inspectApp).
//
// Phases and the buffers each provides (the AppBuffer ids; a phase may omit a buffer the
// transaction does not have, e.g. no Cookie header, and rules needing it do not match):
//
//   HttpRequestHeaders  the request's line and headers, once in (before any body, as
//                    Suricata inspects them at HTP_REQUEST_LINE / HTP_REQUEST_HEADERS):
//                    http.uri, http.uri.raw, http.method, http.host, http.host.raw,
//                    http.user_agent, http.request_line, http.referer, http.accept,
//                    http.accept_lang, http.accept_enc, http.request_header (each header
//                    line "Name: value", one AppBuffer each, Cookie included); and the
//                    request's side of http.header, http.header.raw, http.header_names,
//                    http.cookie (Cookie), http.content_type, http.content_len,
//                    http.protocol, http.start, http.connection.
//   HttpRequest      the request, once complete (HTP_REQUEST_BODY): everything
//                    HttpRequestHeaders provides, with http.request_body and the
//                    request's side of file.data (its body as far as kept).
//   HttpResponseHeaders  the response's status line and headers, once in
//                    (HTP_RESPONSE_LINE / HTP_RESPONSE_HEADERS): http.stat_code,
//                    http.stat_msg, http.response_line, http.location, http.server,
//                    http.response_header (as http.request_header, Set-Cookie included);
//                    the response's side of the two-sided buffers above (http.cookie is
//                    Set-Cookie); and everything HttpRequest provides for its request, as
//                    far as it came, the request's side of the two-sided buffers marked
//                    so (AppBuffer::side), for '=>' rules naming it.
//   HttpResponse     the response, once complete (HTP_RESPONSE_BODY): everything
//                    HttpResponseHeaders provides, with http.response_body and the
//                    response's side of file.data.
//                    At a flow's end, a transaction's steps not reached are reported all
//                    the same, in order, so a transaction that never completes is
//                    inspected in every phase.
//   DnsRequest       dns.query: each question name of the query, one AppBuffer each.
//   DnsResponse      dns.query: each question name of the response.
//   TlsClientHello   tls.sni, ja3.hash, ja3.string, ja4.hash, and the client's tls.random,
//                    tls.random_time (its first 4 bytes), tls.random_bytes (its last 28).
//   TlsServerHello   ja3s.hash, ja3s.string, tls.version (the negotiated version), the
//                    server's tls.random*, and everything TlsClientHello provides (its
//                    tls.random* marked as the client's side).
//   TlsCertificates  tls.cert_subject, tls.cert_issuer, tls.cert_serial,
//                    tls.cert_fingerprint of the leaf certificate; tls.certs: each
//                    certificate's DER, one AppBuffer each; plus everything TlsServerHello
//                    provides. (Not called for TLS 1.3, whose certificates are encrypted.)
//   SshBanner        one side's banner: ssh.proto ("2.0") and ssh.software; called once
//                    per side, FlowContext::to_server telling which.
//   ProtocolRequest  a protocol plug-in's transaction or message sent by the client: its
//                    fields, each the buffer its keyword names (rules/protocol_buffers.h).
//   ProtocolResponse the same, sent by the server. Every plug-in protocol shares these two
//                    phases; a rule's buffers belong to one protocol, and a record carries
//                    only its own protocol's buffers.
//   File             a tracked file that ended (applayer/tracked_file.h): file.name,
//                    file.magic (when libmagic described it), and the buffers of the
//                    transaction that carried it (HTTP: HttpRequest's, and for a download
//                    HttpResponse's too); FlowContext::to_server is the file's direction.
//                    Rules with file keywords (filename, fileext, filemagic, filesize,
//                    filemd5 / filesha1 / filesha256, filestore, file.name, file.magic)
//                    are evaluated here, once per file, with PacketInspector::inspectFile.
//   Frame            one app-layer frame (applayer/app_frame.h: a DNS message, an HTTP/2
//                    frame's header, payload or whole): the buffer of its type
//                    (`frame:dns.pdu`), FlowContext::to_server its sender's side. A frame
//                    rule has no other app buffers.
//
// tls.version's buffer is the version as 2 bytes big-endian (0x0303 for TLS 1.2).
// Buffers are the bytes Suricata inspects for that keyword (applayer/http_transaction.h,
// dns_message.h, tls_handshake.h hold them); multi-valued buffers appear once per value
// with the same id. FlowContext::to_server is true for the client's phases (HttpRequestHeaders,
// HttpRequest, DnsRequest, TlsClientHello, ProtocolRequest) and false for the others. Of a buffer both sides have
// (BufferDirection::Either), a rule sees the side it names ("file.data: to_client"),
// else the phase's own side.
//
// A '=>' rule (RuleDirection::Transactional) is evaluated once per transaction, in the
// server's last phase its buffers need (HttpResponseHeaders, HttpResponse, TlsServerHello
// or TlsCertificates),
// with its source address matched against the client.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "rules/rule.h"

namespace mamori {

struct AppBuffer {
  AppBufferId id;
  const uint8_t* data;
  size_t length;
  // For buffers both sides have, the side this instance is from (ToServer: the
  // request's); Unnamed for the others.
  BufferSide side = BufferSide::Unnamed;
};

enum class AppPhase : uint8_t {
  HttpRequestHeaders, HttpRequest, HttpResponseHeaders, HttpResponse, DnsRequest, DnsResponse, TlsClientHello, TlsServerHello, TlsCertificates, SshBanner,
  ProtocolRequest, ProtocolResponse,
  File,
  Frame,
  Count
};
constexpr size_t kAppPhaseCount = static_cast<size_t>(AppPhase::Count);

// The phase a rule with app buffers (or tls.version) is evaluated in: the one that
// provides the last of its buffers. Buffers both sides have (http.header, file.data,
// dns.query, ...) are the response's when the rule names that side or says
// flow:to_client, else the request's; flow:to_client and '=>' move a request-only rule
// (http.uri) to the response phase too, which provides the request's buffers. nullopt
// with `error` set when the rule's buffers belong to different protocols, or a '=>'
// rule's to one without transactions of both sides (dns, ssh). A rule with file
// keywords is a File rule, its other buffers HTTP's.
std::optional<AppPhase> appPhaseOf(const Rule& rule, std::string& error);

// A rule that names no direction and looks only at buffers both sides have (file.data,
// http.header, tls.random, ...) is inspected on the client's side and again on the
// server's, as Suricata inspects such buffers in both directions: appPhaseOf gives the
// client's phase, and this the server's (HttpResponseHeaders or HttpResponse, TlsServerHello,
// ProtocolResponse). DNS rules stay on
// the query, as Suricata's dns.query does.
std::optional<AppPhase> appServerPhaseToo(const Rule& rule);

// The header protocol or app-layer-protocol name as FlowContext::app_proto spells it:
// http1 / http2 are http, ssl is tls.
std::string_view canonicalAppProto(std::string_view name);

}  // namespace mamori
