#include "capture/shard_hash.h"

#include "capture/hash_mix.h"

#include <pcap/dlt.h>

#include <cstring>
#include <utility>

namespace mamori {

namespace {

constexpr int kDltRawBsdOs = 14;
constexpr int kLinktypeRaw = 101;

uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }


uint32_t fold(uint64_t h) { return static_cast<uint32_t>(h ^ (h >> 32)); }

// Ordering the pair before hashing is what makes the hash symmetric while keeping the
// full mixing of an ordinary hash (a xor of the two would map every a==b pair to one value).
uint32_t hashIp(const uint8_t* p, uint32_t len) {
  if (len < 1) return 0;
  if (p[0] >> 4 == 4 && len >= 20) {
    uint32_t a, b;
    std::memcpy(&a, p + 12, 4);
    std::memcpy(&b, p + 16, 4);
    if (a > b) std::swap(a, b);
    return fold(mix64(uint64_t{a} << 32 | b));
  }
  if (p[0] >> 4 == 6 && len >= 40) {
    const uint8_t* a = p + 8;
    const uint8_t* b = p + 24;
    if (std::memcmp(a, b, 16) > 0) std::swap(a, b);
    uint64_t h = mix64(load64(a) ^ 0x9e3779b97f4a7c15ULL);
    h = mix64(h ^ load64(a + 8));
    h = mix64(h ^ load64(b));
    h = mix64(h ^ load64(b + 8));
    return fold(h);
  }
  return 0;
}

uint32_t hashEthertype(uint16_t type, const uint8_t* p, uint32_t len) {
  for (int tags = 0; tags < 3 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); ++tags) {
    if (len < 4) return 0;
    type = rd16(p + 2);
    p += 4;
    len -= 4;
  }
  switch (type) {
    case 0x0800:
    case 0x86dd: return hashIp(p, len);
    case 0x8847:
    case 0x8848:
      for (;;) {
        if (len < 4) return 0;
        bool bottom = p[2] & 0x01;
        p += 4;
        len -= 4;
        if (bottom) return hashIp(p, len);
      }
    case 0x8864: {
      // PPPoE session header, then a PPP protocol of 0x0021 (IPv4) or 0x0057 (IPv6).
      if (len < 8) return 0;
      uint16_t ppp = rd16(p + 6);
      return ppp == 0x0021 || ppp == 0x0057 ? hashIp(p + 8, len - 8) : 0;
    }
    default: return 0;
  }
}

}  // namespace

uint32_t shardHash(const uint8_t* data, uint32_t caplen, int linktype) {
  if (data == nullptr) return 0;
  switch (linktype) {
    case DLT_EN10MB:
      return caplen < 14 ? 0 : hashEthertype(rd16(data + 12), data + 14, caplen - 14);
    case DLT_LINUX_SLL:
      return caplen < 16 ? 0 : hashEthertype(rd16(data + 14), data + 16, caplen - 16);
    case DLT_LINUX_SLL2:
      return caplen < 20 ? 0 : hashEthertype(rd16(data), data + 20, caplen - 20);
    case DLT_NULL:
    case DLT_LOOP:
      // The family word is not needed: the IP version nibble tells the same.
      return caplen < 4 ? 0 : hashIp(data + 4, caplen - 4);
    case DLT_RAW:
    case kDltRawBsdOs:
    case kLinktypeRaw:
    case DLT_IPV4:
    case DLT_IPV6: return hashIp(data, caplen);
    default: return 0;
  }
}

}  // namespace mamori
