#pragma once
// One HTTP/1.x request/response pair as HttpParser reports it: the fields Suricata's EVE
// `http` record and its HTTP rule buffers are built from. Plain data; the parser keeps a
// few per flow and reuses their strings, so a keep-alive flow does not allocate per request.
#include <cstdint>
#include <string>

#include "applayer/app_layer_event.h"

namespace mamori {

// What one side of an HTTP/2 stream sent in its frames, for Suricata's http2.* keywords:
// each a run of fixed-width big-endian values, one per frame (or per header block's HPACK
// table size update), in the order sent. Bounded: the frame types are each type once,
// the others at most kMaxValues each; what passes that is not kept.
struct Http2FrameValues {
  static constexpr size_t kMaxValues = 64;
  std::string types;         // 1 byte: each frame type seen, once (DATA frames are many)
  std::string error_codes;   // 4 bytes: RST_STREAM's and GOAWAY's
  std::string priorities;    // 1 byte: the weight of PRIORITY and of HEADERS with the priority flag
  std::string windows;       // 4 bytes: WINDOW_UPDATE's increment
  std::string size_updates;  // 8 bytes: an HPACK dynamic table size update (RFC 7541 section 6.3)
  std::string settings;      // 6 bytes: a SETTINGS parameter's identifier (2) and value (4)

  bool empty() const {
    return types.empty() && error_codes.empty() && priorities.empty() && windows.empty() && size_updates.empty() &&
           settings.empty();
  }
  void clear();
  void addType(uint8_t type);
  // A value `width` bytes wide into `run`, unless it holds kMaxValues already.
  static void add(std::string& run, uint64_t value, size_t width);
};

struct HttpTransaction {
  uint64_t id = 0;  // 0-based per flow, in request order
  // HTTP/2: the stream (Http2Parser), whose pseudo-headers (":method: GET") lead the
  // header lines and names as Suricata shows them; 0 for HTTP/1.
  uint32_t http2_stream = 0;
  // The RST_STREAM error code each side ended the stream with (EVE http.http2's
  // request/response error_code); -1 when it sent none.
  int64_t http2_request_error = -1, http2_response_error = -1;
  // HTTP/2: each side's frames (empty for HTTP/1).
  Http2FrameValues http2_request_frames, http2_response_frames;

  // Request.
  std::string method;
  std::string uri;       // path + "?" + query, normalised as libhtp and Suricata do (http.uri)
  std::string uri_raw;   // as on the request line (http.uri.raw)
  std::string protocol;  // "HTTP/1.1"
  std::string host;      // lower-cased, without port (http.host, EVE hostname)
  std::string host_raw;  // authority of an absolute URI, else the Host header as sent (http.host.raw)
  std::string user_agent, referer, cookie;
  std::string request_content_type;  // lower-cased, parameters dropped
  std::string request_line;          // "GET /x HTTP/1.1"
  // "Name: value\r\n" per header in arrival order, without Cookie (http.header).
  std::string request_headers;
  std::string request_header_names;  // "\r\nName1\r\nName2\r\n\r\n" (http.header_names)
  // The header lines as they came, folding, spacing and the blank line that ends them
  // included, up to the parser's max_header_bytes (http.header.raw).
  std::string request_headers_raw;
  std::string request_cookie_line;   // "Cookie: value" as sent, which request_headers leaves out
  std::string request_body;          // dechunked, decompressed, up to the configured depth
  int64_t request_content_length = -1;  // Content-Length header; -1 absent or unparsable

  // Response.
  int status = 0;  // 0: no (valid) status line seen
  std::string status_msg;
  std::string response_protocol;
  std::string response_line;
  std::string response_headers;  // as request_headers, without Set-Cookie
  std::string response_header_names;
  std::string response_headers_raw;
  std::string response_cookie_line;  // "Set-Cookie: value", as request_cookie_line
  std::string response_content_type;
  std::string response_body;     // dechunked, gzip/deflate decoded, up to the configured depth
  std::string location;
  int64_t response_content_length = -1;
  // Body bytes as sent (before dechunking and decoding, as libhtp counts them), past the
  // depth too: EVE's http.length.
  uint64_t response_body_bytes = 0;

  // Anomalies libhtp met in this transaction (app-layer-event:http.*), and of them those
  // raised since the transaction was last reported.
  AppLayerEventSet events, new_events;

  // False when reported at flow end before that side finished.
  bool request_complete = false;
  bool response_complete = false;

  // Empties every field, keeping the strings' capacity.
  void clear();
};

}  // namespace mamori
