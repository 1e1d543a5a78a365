#pragma once
// DerReader: a cursor over DER (X.690) tag-length-value elements, bounds-checked, for the
// few certificate fields TLS logging needs. Only definite lengths and one-byte tags, as
// DER requires; anything else reads as malformed.
#include <cstddef>
#include <cstdint>

namespace mamori {

struct DerElement {
  uint8_t tag = 0;
  const uint8_t* data = nullptr;  // the content octets
  size_t length = 0;
};

class DerReader {
 public:
  DerReader(const uint8_t* data, size_t length) : at_(data), end_(data + length) {}
  explicit DerReader(const DerElement& constructed) : DerReader(constructed.data, constructed.length) {}

  bool empty() const { return at_ == end_; }
  uint8_t peekTag() const { return empty() ? 0 : *at_; }

  // The next element; false (and the reader left where it was) when malformed.
  bool next(DerElement& out) {
    const uint8_t* p = at_;
    if (end_ - p < 2 || (p[0] & 0x1f) == 0x1f) return false;  // multi-byte tags are not used here
    out.tag = p[0];
    size_t length = p[1];
    p += 2;
    if (length & 0x80) {
      const size_t octets = length & 0x7f;
      if (octets == 0 || octets > 4 || static_cast<size_t>(end_ - p) < octets) return false;
      length = 0;
      for (size_t i = 0; i < octets; ++i) length = length << 8 | *p++;
    }
    if (static_cast<size_t>(end_ - p) < length) return false;
    out.data = p;
    out.length = length;
    at_ = p + length;
    return true;
  }

  // The next element if it has `tag`.
  bool next(uint8_t tag, DerElement& out) { return peekTag() == tag && next(out); }

 private:
  const uint8_t* at_;
  const uint8_t* end_;
};

}  // namespace mamori
