#include "tests/applayer/http_test_util.h"

#include <algorithm>
#include <array>

namespace mamori::test {

void feed(HttpParser& p, Direction dir, const std::string& data, HttpSink& sink, size_t step) {
  const auto* d = reinterpret_cast<const uint8_t*>(data.data());
  if (step == 0) step = data.size();
  for (size_t i = 0; i < data.size(); i += step) {
    p.onData(dir, d + i, std::min(step, data.size() - i), 1'700'000'000'000'000 + i, sink);
  }
}

namespace {

class BitWriter {
 public:
  // Deflate fills bytes from their least significant bit.
  void bits(uint32_t value, int count) {
    for (int i = 0; i < count; ++i) put((value >> i) & 1);
  }
  // Huffman codes go most significant bit first.
  void code(uint32_t value, int count) {
    for (int i = count - 1; i >= 0; --i) put((value >> i) & 1);
  }
  std::string finish() { return out_; }

 private:
  void put(uint32_t bit) {
    if (used_ == 0) out_.push_back(0);
    out_.back() = static_cast<char>(out_.back() | (bit << used_));
    used_ = (used_ + 1) % 8;
  }
  std::string out_;
  int used_ = 0;
};

void literalOrLength(BitWriter& w, uint32_t symbol) {
  if (symbol < 144) w.code(0x30 + symbol, 8);
  else if (symbol < 256) w.code(0x190 + symbol - 144, 9);
  else if (symbol < 280) w.code(symbol - 256, 7);
  else w.code(0xC0 + symbol - 280, 8);
}

constexpr std::array<uint16_t, 29> kLengthBase = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                                  31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<uint8_t, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<uint16_t, 30> kDistBase = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,
                                                33,  49,  65,  97,  129, 193,  257,  385,  513,  769,
                                                1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<uint8_t, 30> kDistExtra = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                                6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

void match(BitWriter& w, size_t length, size_t distance) {
  size_t l = kLengthBase.size() - 1;
  while (kLengthBase[l] > length) --l;
  literalOrLength(w, 257 + static_cast<uint32_t>(l));
  w.bits(static_cast<uint32_t>(length - kLengthBase[l]), kLengthExtra[l]);
  size_t d = kDistBase.size() - 1;
  while (kDistBase[d] > distance) --d;
  w.code(static_cast<uint32_t>(d), 5);
  w.bits(static_cast<uint32_t>(distance - kDistBase[d]), kDistExtra[d]);
}

std::string deflateFixed(const std::string& data) {
  constexpr size_t kMaxDistance = 64, kMaxLength = 258;
  BitWriter w;
  w.bits(1, 1);  // last block
  w.bits(1, 2);  // fixed Huffman codes
  size_t i = 0;
  while (i < data.size()) {
    size_t best_len = 0, best_dist = 0;
    for (size_t d = 1; d <= std::min(kMaxDistance, i); ++d) {
      size_t l = 0;
      while (l < kMaxLength && i + l < data.size() && data[i + l] == data[i + l - d]) ++l;
      if (l > best_len) best_len = l, best_dist = d;
      if (l == kMaxLength) break;
    }
    if (best_len >= 3) {
      match(w, best_len, best_dist);
      i += best_len;
    } else {
      literalOrLength(w, static_cast<uint8_t>(data[i++]));
    }
  }
  literalOrLength(w, 256);
  return w.finish();
}

uint32_t crc32(const std::string& data) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : data) c = table[(c ^ static_cast<uint8_t>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void le32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

std::string gzip(const std::string& data) {
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  out += deflateFixed(data);
  le32(out, crc32(data));
  le32(out, static_cast<uint32_t>(data.size()));
  return out;
}

}  // namespace mamori::test
