#pragma once
// Ids of incidents and alerts are hashes of what identifies them (an incident's group and
// the packet time it began; an alert's flow, rule and packet time), never counters or
// addresses of memory, so a replay gives the same ids whatever the number of workers and
// however often the process restarted.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "capture/ip_address.h"
#include "capture/packet.h"

namespace mamori {

class StableId {
 public:
  static constexpr uint64_t kMaxId = (1ULL << 53) - 1;

  StableId& add(const uint8_t* data, size_t length) {
    for (size_t i = 0; i < length; ++i) hash_ = (hash_ ^ data[i]) * kPrime;
    return *this;
  }
  StableId& add(std::string_view text) { return add(reinterpret_cast<const uint8_t*>(text.data()), text.size()); }
  StableId& add(const IpAddress& address) {
    return add(&address.family, 1).add(address.bytes.data(), address.bytes.size());
  }
  // Little-endian bytes, so ids do not depend on the host's byte order.
  StableId& add(uint64_t number) {
    uint8_t bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(number >> (8 * i));
    return add(bytes, sizeof bytes);
  }
  StableId& add(TimeUs time) { return add(static_cast<uint64_t>(time)); }

  uint64_t value() const { return hash_; }
  // Kept below 2^53: EVE readers (jq, JavaScript dashboards) hold numbers as doubles.
  // Never 0, which means "none" to consumers.
  uint64_t id() const {
    uint64_t id = hash_ & kMaxId;
    return id == 0 ? 1 : id;
  }

 private:
  static constexpr uint64_t kPrime = 1099511628211ull;
  uint64_t hash_ = 14695981039346656037ull;  // FNV-1a
};

}  // namespace mamori
