#pragma once
// AppBufferBuilder: turns one app-layer event (AppRecord) into what detection inspects,
// the phase and its buffers (detect/app_buffers.h says which buffers each phase has).
// The buffers point into the record, or into this builder's own scratch for the values
// the parsers keep as numbers (status code, content length, TLS version): valid until the
// next build(). Reuses its storage, so steady traffic builds without allocating.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "applayer/app_record.h"
#include "detect/app_buffers.h"

namespace mamori {

class AppBufferBuilder {
 public:
  // nullopt for events that provide no buffers (TlsDone, SshDone, ParserEvents).
  std::optional<AppPhase> build(const AppRecord& record);
  std::span<const AppBuffer> buffers() const { return buffers_; }

 private:
  // `from`: the side the bytes come from, kept on the buffers both sides have.
  void add(AppBufferId id, std::string_view bytes, BufferSide from);
  void addRequest(const HttpTransaction& tx);
  void addResponse(const HttpTransaction& tx);
  // One side of an HTTP transaction, as the buffers both sides have are made from it.
  struct HeaderBlock {
    AppBufferId line_id;  // http.request_header or http.response_header
    std::string_view start_line, headers, headers_raw, header_names, cookie_line, content_type;
    int64_t content_length;
    std::string_view protocol;
    bool http2;  // an HTTP/2 stream's: its fields are the http2.header* buffers too
  };
  void addHeaderBlock(BufferSide from, const HeaderBlock& block);
  void addHeaderLines(AppBufferId id, std::string_view block, std::string_view cookie_line, BufferSide from);
  void addHttp2Frames(const Http2FrameValues& frames, BufferSide from);
  void addRandom(const std::array<uint8_t, 32>& random, BufferSide from);
  void addClientHello(const TlsHandshake& tls);
  void addDnsNumbers(const DnsMessage& dns, BufferSide from);
  void addServerHello(const TlsHandshake& tls);

  std::vector<AppBuffer> buffers_;
  // Text made here for numbers; reserved so that adding one never moves the others.
  std::vector<std::string> scratch_;
  size_t scratch_used_ = 0;
  std::string_view keep(std::string text);
  std::string dns_numbers_;  // the DNS header's and queries' numbers of the last build
};

}  // namespace mamori
