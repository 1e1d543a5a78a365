#pragma once
// ByteReader: bounds-checked big-endian reads over a byte range, shared by the TLS handshake
// parsing and QUIC's packets. A read past the end yields zeros, empties the reader and marks
// it failed, so parsing code checks ok() once at the end instead of before every field.
#include <cstddef>
#include <cstdint>

namespace mamori {

class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(const uint8_t* p, size_t n) : p_(p), n_(n) {}

  bool ok() const { return ok_; }
  size_t left() const { return n_; }
  const uint8_t* data() const { return p_; }

  uint8_t u8() { return static_cast<uint8_t>(take(1)); }
  uint16_t u16() { return static_cast<uint16_t>(take(2)); }
  uint32_t u24() { return take(3); }
  uint32_t u32() { return take(4); }
  // RFC 9000 16: a variable-length integer, its length in the first byte's two top bits.
  uint64_t varint() {
    if (!n_) return take(1);
    const size_t k = size_t{1} << (p_[0] >> 6);
    if (k > n_) return take(k);
    uint64_t v = p_[0] & 0x3f;
    for (size_t i = 1; i < k; ++i) v = v << 8 | p_[i];
    p_ += k;
    n_ -= k;
    return v;
  }
  void skip(size_t k) { sub(k); }
  ByteReader sub(size_t k) {
    if (k > n_) {
      fail();
      return {};
    }
    ByteReader r(p_, k);
    p_ += k;
    n_ -= k;
    return r;
  }

 private:
  uint32_t take(size_t k) {
    if (k > n_) {
      fail();
      return 0;
    }
    uint32_t v = 0;
    for (size_t i = 0; i < k; ++i) v = v << 8 | p_[i];
    p_ += k;
    n_ -= k;
    return v;
  }
  void fail() {
    ok_ = false;
    n_ = 0;
  }

  const uint8_t* p_ = nullptr;
  size_t n_ = 0;
  bool ok_ = true;
};

}  // namespace mamori
