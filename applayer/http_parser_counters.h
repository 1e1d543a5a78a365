#pragma once
// What one HttpParser saw go right and wrong; the integrator sums them per worker.
#include <cstdint>

namespace mamori {

struct HttpParserCounters {
  uint64_t requests = 0;   // requests reported complete
  uint64_t responses = 0;  // responses reported complete
  uint64_t incomplete = 0;  // transactions reported at flow end with a side unfinished
  uint64_t dropped = 0;     // transactions not reported: too many awaited their response
  uint64_t parse_errors = 0;    // libhtp error messages (invalid lines, fields over the limit, ...)
  uint64_t parse_warnings = 0;  // libhtp warnings (missing Host, invalid folding, ...)
  uint64_t stream_errors = 0;   // a direction libhtp gave up on; its later data is ignored
  uint64_t bytes_ignored = 0;   // data of a direction that stopped (error, gap, tunnel)
  uint64_t gaps = 0;
  uint64_t gaps_fatal = 0;      // gaps outside a body: the direction cannot resynchronise
  uint64_t tunnels = 0;         // CONNECT accepted: what follows is not HTTP
  uint64_t held_overflows = 0;  // data held for the other direction past its cap
  uint64_t request_bodies_truncated = 0;   // bodies longer than the configured depth
  uint64_t response_bodies_truncated = 0;
  uint64_t decompression_bombs = 0;  // libhtp stopped decoding a body that grew past its limits
  uint64_t events_unattached = 0;    // libhtp messages with no transaction to raise their event on
  uint64_t ranges_completed = 0;     // 206 responses whose piece completed a file (HttpRangeStore)
};

}  // namespace mamori
