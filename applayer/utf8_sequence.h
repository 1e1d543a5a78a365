#pragma once
// Where JSON text is made from traffic bytes (the EVE formatter, the plug-ins' EVE
// objects): a byte that is not part of well-formed UTF-8 must not reach a JSON line.
#include <cstddef>
#include <string>
#include <string_view>

namespace mamori {

// Length of the well-formed UTF-8 sequence at p (RFC 3629, table 3-7 of Unicode:
// no overlongs, no surrogates, nothing past U+10FFFF), or 0 when it is not one.
inline size_t utf8SequenceLength(const unsigned char* p, size_t avail) {
  const unsigned char b = p[0];
  if (b < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (avail < n || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Appends `text` to `into` with each byte that is not part of a well-formed sequence
// replaced by U+FFFD.
inline void appendValidUtf8(std::string& into, std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = utf8SequenceLength(p + i, text.size() - i);
    if (n == 0) {
      into += "\xEF\xBF\xBD";
      ++i;
    } else {
      into.append(text.data() + i, n);
      i += n;
    }
  }
}

}  // namespace mamori
