#pragma once
// Whether a client's first bytes start an HTTP/1 request, whatever its method: the common
// ones, WebDAV's (PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, ...) and any other token, as
// Suricata's HTTP probing takes them. A request line is a method token (letters, digits, '-'
// and '_', 3 to 32 of them), one space and a request target: an origin path ("/"), "*", an
// absolute URI ("http://", "https://") or, for CONNECT, an authority. When the first line is
// whole in `data` it must end with the HTTP version (HTTP/0.9 to HTTP/1.x), which keeps other
// text protocols' commands ("CWD /pub") out. HTTP/2's client preface ("PRI * HTTP/2.0") is
// not HTTP/1 and is not taken here.
#include <cstddef>
#include <cstdint>

namespace mamori {

bool looksLikeHttpRequest(const uint8_t* data, size_t len);

}  // namespace mamori
