#pragma once
// FuzzInput: the one framing every fuzz target reads its bytes with, and seed_extractor
// writes: a sequence of records, each a tag byte, a 16-bit big-endian length and that many
// bytes. What the tag means is the target's (a link type, a direction, TCP flags). A
// record cut short by the end of the input yields the bytes that are there, so every
// input, however mangled, is a valid sequence. Reads views into the input; allocates
// nothing. Single-threaded, like libFuzzer's callback.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mamori::fuzz {

struct FuzzRecord {
  uint8_t tag = 0;
  const uint8_t* data = nullptr;
  size_t len = 0;
  std::string_view text() const { return {reinterpret_cast<const char*>(data), len}; }
};

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t len) : p_(data), left_(len) {}

  // False at the end of the input.
  bool next(FuzzRecord& r) {
    if (left_ == 0) return false;
    r.tag = take(1) ? p_[-1] : 0;
    size_t n = 0;
    if (left_ >= 2) {
      n = size_t{p_[0]} << 8 | p_[1];
      take(2);
    } else {
      take(left_);
    }
    r.len = n < left_ ? n : left_;
    r.data = p_;
    take(r.len);
    return true;
  }

  // Appends one record to `out` (the writer's side, for seed_extractor).
  static void append(std::string& out, uint8_t tag, std::string_view bytes) {
    const size_t n = bytes.size() > 0xffff ? 0xffff : bytes.size();
    out.push_back(static_cast<char>(tag));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
    out.append(bytes.substr(0, n));
  }

 private:
  bool take(size_t n) {
    if (n > left_) return false;
    p_ += n;
    left_ -= n;
    return true;
  }
  const uint8_t* p_;
  size_t left_;
};

}  // namespace mamori::fuzz
