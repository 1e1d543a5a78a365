#include "applayer/dns_name_text.h"

namespace mamori {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// Code points tshark escapes although they are valid: the Unicode "Cf" (format) class,
// which can hide or reorder text on an analyst's screen, and the noncharacters.
bool nonPrinting(uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return true;
  if (cp == 0xad || (cp >= 0x600 && cp <= 0x605) || cp == 0x61c || cp == 0x6dd || cp == 0x70f ||
      cp == 0x8e2 || cp == 0x180e)
    return true;
  if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
      (cp >= 0x2066 && cp <= 0x206f))
    return true;
  if (cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xfdd0 && cp <= 0xfdef)) return true;
  if ((cp & 0xfffe) == 0xfffe) return true;  // U+xFFFE and U+xFFFF in every plane
  if (cp == 0x110bd || cp == 0x110cd || (cp >= 0x13430 && cp <= 0x1343f) || (cp >= 0x1bca0 && cp <= 0x1bca3) ||
      (cp >= 0x1d173 && cp <= 0x1d17a) || cp == 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f))
    return true;
  return false;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

void appendEscapedCodePoint(std::string& out, uint32_t cp) {
  const int digits = cp > 0xffff ? 8 : 4;
  out += '\\';
  out += digits == 8 ? 'U' : 'u';
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xf];
}

void appendAsciiControl(std::string& out, uint8_t c) {
  static constexpr char kLetters[] = "abtnvfr";  // \a (7) to \r (13)
  out += '\\';
  if (c >= 7 && c <= 13) {
    out += kLetters[c - 7];
  } else {
    out += static_cast<char>('0' + (c >> 6));
    out += static_cast<char>('0' + ((c >> 3) & 7));
    out += static_cast<char>('0' + (c & 7));
  }
}

}  // namespace

void appendDnsLabelText(std::string& out, const uint8_t* p, size_t len) {
  size_t i = 0;
  while (i < len) {
    const uint8_t c = p[i];
    if (c < 0x80) {
      if (c >= 0x20 && c < 0x7f) {
        out += static_cast<char>(c);
      } else {
        appendAsciiControl(out, c);
      }
      ++i;
      continue;
    }
    size_t need;
    uint32_t cp;
    if (c >= 0xc0 && c < 0xe0) {
      need = 1, cp = c & 0x1f;
    } else if (c >= 0xe0 && c < 0xf0) {
      need = 2, cp = c & 0x0f;
    } else if (c >= 0xf0 && c < 0xf8) {
      need = 3, cp = c & 0x07;
    } else if (c >= 0xf8 && c < 0xfe) {
      // The five- and six-byte forms of the original UTF-8: tshark swallows their
      // continuation bytes into a single U+FFFD; the loop below lands above U+10FFFF.
      need = c < 0xfc ? 4 : 5, cp = 0x110000;
    } else {
      out += "\xef\xbf\xbd";  // a stray continuation byte, or FE / FF
      ++i;
      continue;
    }
    size_t got = 0;
    while (got < need && i + 1 + got < len && (p[i + 1 + got] & 0xc0) == 0x80) {
      if (cp <= 0x10ffff) cp = (cp << 6) | (p[i + 1 + got] & 0x3f);
      ++got;
    }
    i += 1 + got;
    if (got < need || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += "\xef\xbf\xbd";
    } else if (nonPrinting(cp)) {
      appendEscapedCodePoint(out, cp);
    } else {
      appendUtf8(out, cp);
    }
  }
}

}  // namespace mamori
