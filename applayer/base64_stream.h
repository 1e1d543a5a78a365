#pragma once
// Base64Stream: base64 (RFC 4648) decoded a character at a time, across lines and calls, as a
// MIME part's body and an RFC 2047 encoded word need it; padding ends a group early. Also the
// hex digit of quoted-printable's =XX, the other MIME encoding.
#include <cstdint>
#include <string>

namespace mamori {

// A hex digit's value; -1 for any other character.
inline int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Base64Stream {
 public:
  // One character: its bits into `out` as they make whole bytes. False for a character base64
  // does not have (skipped).
  bool feed(char c, std::string& out) {
    const int v = value(c);
    if (v < 0) return false;
    bits_ = bits_ << 6 | static_cast<uint32_t>(v);
    if (++count_ == 4) {
      out.push_back(static_cast<char>(bits_ >> 16));
      out.push_back(static_cast<char>(bits_ >> 8));
      out.push_back(static_cast<char>(bits_));
      reset();
    }
    return true;
  }
  // Padding (or the text's end): the whole bytes of the group so far, then a new group.
  void finish(std::string& out) {
    if (count_ == 3) {
      out.push_back(static_cast<char>(bits_ >> 10));
      out.push_back(static_cast<char>(bits_ >> 2));
    } else if (count_ == 2) {
      out.push_back(static_cast<char>(bits_ >> 4));
    }
    reset();
  }
  void reset() {
    bits_ = 0;
    count_ = 0;
  }

 private:
  static int value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  }

  uint32_t bits_ = 0;
  int count_ = 0;
};

}  // namespace mamori
