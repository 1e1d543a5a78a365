#pragma once
// What one Http2Parser saw go right and wrong; the integrator sums them per worker.
#include <cstdint>

namespace mamori {

struct Http2ParserCounters {
  uint64_t frames = 0;
  uint64_t streams = 0;           // transactions reported
  uint64_t streams_refused = 0;   // streams over the open-stream cap: not reported
  uint64_t malformed_frames = 0;  // bad header, length, padding or sequence
  uint64_t oversized_frames = 0;  // longer than the reader buffers: skipped
  uint64_t hpack_errors = 0;      // header blocks nghttp2 could not decode: that direction's headers stop
  uint64_t header_limits = 0;     // header blocks or lists over their caps, cut
  uint64_t bodies_truncated = 0;  // bodies longer than the configured depth
  uint64_t bytes_ignored = 0;     // of a direction lost to a bad preface or a gap
  uint64_t resets = 0;            // RST_STREAM frames
  uint64_t goaways = 0;
};

}  // namespace mamori
