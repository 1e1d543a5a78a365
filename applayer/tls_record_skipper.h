#pragma once
// TlsRecordSkipper: one direction of a clear-text protocol that turned to TLS (FTP after
// AUTH TLS), stepped over record by record (a 5-byte header: content type 20-23, version
// 3.x, length) without reading them, until the bytes at a record boundary are no TLS record:
// the protocol went back to clear text (FTP's CCC, RFC 4217, after TLS's close_notify).
// Keeps at most a header's 5 bytes across segments.
#include <array>
#include <cstddef>
#include <cstdint>

namespace mamori {

class TlsRecordSkipper {
 public:
  // How many bytes at the start of `data` are TLS; fewer than `len` when clear text
  // resumes there (then `clear` is set and the skipper is ready for another turn to TLS).
  size_t skip(const uint8_t* data, size_t len, bool& clear) {
    size_t at = 0;
    clear = false;
    while (at < len) {
      if (remaining_ > 0) {
        const size_t n = remaining_ < len - at ? remaining_ : len - at;
        remaining_ -= n;
        at += n;
        continue;
      }
      if (have_ == 0 && !(data[at] >= 20 && data[at] <= 23)) {
        clear = true;
        return at;
      }
      header_[have_++] = data[at++];
      if (have_ == 2 && header_[1] != 3) {
        // No TLS version after all: what follows the type byte is clear text too.
        clear = true;
        have_ = 0;
        return at >= 2 ? at - 2 : 0;
      }
      if (have_ == header_.size()) {
        remaining_ = static_cast<size_t>(header_[3]) << 8 | header_[4];
        have_ = 0;
      }
    }
    return len;
  }

 private:
  std::array<uint8_t, 5> header_{};
  size_t have_ = 0;
  size_t remaining_ = 0;
};

}  // namespace mamori
