#pragma once
// LineFramer: one direction of a line-based protocol (SMTP) cut into lines, each without its
// end (LF, or CRLF). A line within one segment is handed on in place; only an unfinished
// line's start is kept, at most `most` bytes: a longer line is handed on cut at `most`
// (truncated) and the rest of it, to its end, is skipped.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mamori {

class LineFramer {
 public:
  explicit LineFramer(size_t most) : most_(most) {}

  // Hands on each line `data` completes as on_line(line, truncated); stops after a line for
  // which stop() is true (what follows is no longer lines of this framer's). Returns the
  // bytes it took.
  template <typename OnLine, typename Stop>
  size_t feed(const uint8_t* data, size_t len, OnLine&& on_line, Stop&& stop) {
    size_t at = 0;
    while (at < len) {
      const auto* nl = static_cast<const uint8_t*>(std::memchr(data + at, '\n', len - at));
      const size_t end = nl ? static_cast<size_t>(nl - data) : len;
      if (!nl) {
        hold(data + at, end - at, on_line);
        return len;
      }
      if (discarding_) {
        discarding_ = false;
      } else if (held_.empty()) {
        const std::string_view line = withoutCr(std::string_view(reinterpret_cast<const char*>(data + at), end - at));
        on_line(line.substr(0, most_), line.size() > most_);
      } else {
        hold(data + at, end - at, on_line);
        if (!discarding_) on_line(withoutCr(held_), false);
        discarding_ = false;
        held_.clear();
      }
      at = end + 1;
      if (stop()) return at;
    }
    return at;
  }

  // The unfinished line, handed on as a line of its own (a message's last bytes).
  template <typename OnLine>
  void flush(OnLine&& on_line) {
    if (!held_.empty() && !discarding_) on_line(withoutCr(held_), false);
    held_.clear();
    discarding_ = false;
  }

 private:
  static std::string_view withoutCr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  template <typename OnLine>
  void hold(const uint8_t* data, size_t len, OnLine& on_line) {
    if (discarding_) return;
    if (held_.size() + len <= most_) {
      held_.append(reinterpret_cast<const char*>(data), len);
      return;
    }
    held_.append(reinterpret_cast<const char*>(data), most_ - held_.size());
    on_line(std::string_view(held_), true);
    held_.clear();
    discarding_ = true;
  }

  const size_t most_;
  std::string held_;
  bool discarding_ = false;
};

}  // namespace mamori
