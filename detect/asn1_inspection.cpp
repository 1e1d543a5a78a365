#include "detect/asn1_inspection.h"

namespace mamori {
namespace {

constexpr int kMaxFrames = 30;  // Suricata's: objects per buffer, and nesting depth
constexpr uint8_t kBoolean = 1, kBitString = 3, kNull = 5, kReal = 9;

class BerWalker {
 public:
  explicit BerWalker(const Asn1Check& check) : check_(check) {}

  // The size of the valid object at p[0..n) nested `depth` levels down, 0 when there is
  // none; `failed` is set when it or one inside it fails a check.
  size_t object(const uint8_t* p, size_t n, int depth, bool& failed) const {
    if (depth >= kMaxFrames || n < 2) return 0;
    size_t i = 0;
    const uint8_t id = p[i++];
    const bool constructed = id & 0x20;
    const bool universal = id >> 6 == 0;
    uint32_t tag = id & 0x1f;
    if (tag == 0x1f) {
      // A high tag number in base 128; no more than fits 32 bits.
      tag = 0;
      for (int k = 0;; ++k) {
        if (i >= n || k == 5) return 0;
        const uint8_t b = p[i++];
        tag = tag << 7 | (b & 0x7fu);
        if (!(b & 0x80)) break;
      }
    }
    if (i >= n) return 0;
    const uint8_t first = p[i++];
    uint64_t length = 0;
    if (first == 0x80) {
      if (!constructed) return 0;  // indefinite length is for constructed encodings only
      return indefinite(p, n, i, depth, failed);
    }
    if (first < 0x80) {
      length = first;
    } else {
      const size_t count = first & 0x7fu;
      if (first == 0xff || count > 8 || n - i < count) return 0;
      for (size_t k = 0; k < count; ++k) length = length << 8 | p[i++];
    }
    if (length > n - i) return 0;
    const uint8_t* content = p + i;
    if (constructed) {
      for (size_t at = 0; at < length;) {
        const size_t child = object(content + at, length - at, depth + 1, failed);
        if (child == 0) return 0;
        at += child;
      }
    } else if (universal && !primitiveValid(tag, length)) {
      return 0;
    }
    failed = failed || fails(universal && !constructed ? tag : 0, content, length);
    return i + length;
  }

 private:
  // Children up to an end-of-contents marker (two zero bytes).
  size_t indefinite(const uint8_t* p, size_t n, size_t at, int depth, bool& failed) const {
    const size_t start = at;
    for (;;) {
      if (n - at < 2) return 0;
      if (p[at] == 0 && p[at + 1] == 0) break;
      const size_t child = object(p + at, n - at, depth + 1, failed);
      if (child == 0) return 0;
      at += child;
    }
    failed = failed || fails(0, p + start, at - start);
    return at + 2;
  }

  // What a BER decoder refuses of the universal primitive types the checks do not read.
  static bool primitiveValid(uint32_t tag, uint64_t length) {
    switch (tag) {
      case kBoolean: return length == 1;
      case kNull: return length == 0;
      case kBitString: return length > 0;  // the unused-bits byte at least
      default: return true;
    }
  }

  // `primitive_tag`: the universal tag of a primitive object, else 0.
  bool fails(uint32_t primitive_tag, const uint8_t* content, uint64_t length) const {
    if (check_.oversize_length && length > *check_.oversize_length) return true;
    if (check_.bitstring_overflow && primitive_tag == kBitString && content[0] > length * 8) return true;
    // A REAL in decimal (ISO 6093) form: the first content byte's top two bits clear.
    if (check_.double_overflow && primitive_tag == kReal && length > 256 && (content[0] & 0xc0) == 0) return true;
    return false;
  }

  const Asn1Check& check_;
};

}  // namespace

bool asn1CheckHolds(const Asn1Check& check, const uint8_t* data, size_t length, size_t previous_end) {
  int64_t offset = 0;
  if (check.absolute_offset) {
    offset = *check.absolute_offset;
  } else if (check.relative_offset) {
    offset = static_cast<int64_t>(previous_end) + *check.relative_offset;
    if (offset < 0 || offset > 65535) return false;
  }
  if (offset >= static_cast<int64_t>(length)) return false;
  const BerWalker walker(check);
  const uint8_t* p = data + offset;
  size_t left = length - static_cast<size_t>(offset);
  bool failed = false;
  for (int objects = 0; left > 0; ++objects) {
    if (objects == kMaxFrames) return false;
    bool object_failed = false;
    const size_t size = walker.object(p, left, 0, object_failed);
    if (size == 0) break;
    failed = failed || object_failed;
    p += size;
    left -= size;
  }
  return failed;
}

}  // namespace mamori
