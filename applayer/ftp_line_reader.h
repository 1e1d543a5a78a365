#pragma once
// FtpLineReader: one direction of an FTP control connection cut into lines (LF-terminated,
// a CR before it dropped), as Suricata's FTP parser cuts them. A line is at most kMaxLine
// bytes (Suricata's default ftp max-line-length): a longer one is handed on cut to that
// length, marked truncated, and its rest up to the LF is skipped. The unfinished tail of a
// segment is kept in a fixed buffer of that size, so reading allocates nothing.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mamori {

class FtpLineReader {
 public:
  static constexpr size_t kMaxLine = 4096;

  // Calls `line(text, truncated)` for each line `data` completes (or cuts at kMaxLine).
  template <typename OnLine>
  void feed(const uint8_t* data, size_t len, OnLine&& line) {
    const char* p = reinterpret_cast<const char*>(data);
    const char* const end = p + len;
    while (p < end) {
      const char* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (skipping_) {
        if (!lf) return;
        skipping_ = false;
        p = lf + 1;
        continue;
      }
      const size_t part = static_cast<size_t>((lf ? lf : end) - p);  // the line's bytes here, LF excluded
      if (held_ + part > kMaxLine) {
        std::memcpy(held_bytes_.data() + held_, p, kMaxLine - held_);
        held_ = 0;
        line(std::string_view(held_bytes_.data(), kMaxLine), true);
        if (!lf) {
          skipping_ = true;
          return;
        }
        p = lf + 1;
        continue;
      }
      std::memcpy(held_bytes_.data() + held_, p, part);
      held_ += part;
      if (!lf) return;
      size_t n = held_;
      if (n && held_bytes_[n - 1] == '\r') --n;
      held_ = 0;
      line(std::string_view(held_bytes_.data(), n), false);
      p = lf + 1;
    }
  }

  // A hole in the stream: what was held is no longer one line.
  void reset() {
    held_ = 0;
    skipping_ = false;
  }

 private:
  std::array<char, kMaxLine> held_bytes_;
  size_t held_ = 0;
  bool skipping_ = false;  // past kMaxLine: dropping bytes until the next LF
};

}  // namespace mamori
