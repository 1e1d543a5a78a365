#pragma once
// The hashing primitives every capture table shares (flows, fragments, worker shards).
#include <cstdint>
#include <cstring>

namespace mamori {

// MurmurHash3's 64-bit finaliser: cheap, and every input bit reaches every output bit.
inline uint64_t mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace mamori
