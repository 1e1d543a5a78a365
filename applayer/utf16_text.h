#pragma once
// UTF-16LE text from the wire (SMB names, NTLMSSP fields) as UTF-8, bounded: at most `most`
// bytes are appended, a character that would pass it is left out with the rest. An unpaired
// surrogate becomes U+FFFD, as Suricata's lossy conversion makes it; a trailing odd byte is
// dropped. Never allocates past `most` more than `out` holds.
#include <cstddef>
#include <cstdint>
#include <string>

namespace mamori {

inline void appendUtf16Le(const uint8_t* data, size_t len, std::string& out, size_t most) {
  const size_t limit = out.size() + most;
  for (size_t i = 0; i + 1 < len; i += 2) {
    uint32_t cp = data[i] | static_cast<uint32_t>(data[i + 1]) << 8;
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < len) {
      const uint32_t lo = data[i + 2] | static_cast<uint32_t>(data[i + 3]) << 8;
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    char buf[4];
    size_t n;
    if (cp < 0x80) {
      buf[0] = static_cast<char>(cp);
      n = 1;
    } else if (cp < 0x800) {
      buf[0] = static_cast<char>(0xC0 | cp >> 6);
      buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
      n = 2;
    } else if (cp < 0x10000) {
      buf[0] = static_cast<char>(0xE0 | cp >> 12);
      buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
      n = 3;
    } else {
      buf[0] = static_cast<char>(0xF0 | cp >> 18);
      buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
      n = 4;
    }
    if (out.size() + n > limit) return;
    out.append(buf, n);
  }
}

}  // namespace mamori
