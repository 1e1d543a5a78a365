#include "detect/host_bit_table.h"

#include <utility>

#include "capture/hash_mix.h"

namespace mamori {
namespace {
constexpr size_t kProbe = 16;

uint64_t keyHash(uint32_t bit, const IpAddress& a, const IpAddress& b) {
  uint64_t h = mix64(bit + 1);
  h = mix64(h ^ load64(a.bytes.data()) ^ load64(a.bytes.data() + 8) * 31);
  return mix64(h ^ load64(b.bytes.data()) ^ load64(b.bytes.data() + 8) * 31);
}

// A pair is one key whichever way round its packets go.
std::pair<IpAddress, IpAddress> ordered(const IpAddress& a, const IpAddress& b) {
  return b < a ? std::pair{b, a} : std::pair{a, b};
}
}  // namespace

HostBitTable::HostBitTable(size_t capacity) : entries_(capacity) {}

HostBitTable::Entry* HostBitTable::find(uint32_t bit, const IpAddress& a, const IpAddress& b, Entry** free) {
  if (entries_.empty()) return nullptr;
  const size_t start = keyHash(bit, a, b) % entries_.size();
  Entry* victim = nullptr;
  for (size_t i = 0; i < kProbe && i < entries_.size(); ++i) {
    Entry& e = entries_[(start + i) % entries_.size()];
    if (e.expires != 0 && e.bit == bit && e.a == a && e.b == b) return &e;
    if (!victim || e.expires < victim->expires) victim = &e;
  }
  if (free) *free = victim;
  return nullptr;
}

bool HostBitTable::isSet(uint32_t bit, const IpAddress& a, const IpAddress& b, TimeUs now) {
  const auto [x, y] = ordered(a, b);
  const Entry* e = find(bit, x, y, nullptr);
  return e && e->expires > now;
}

void HostBitTable::set(uint32_t bit, const IpAddress& a, const IpAddress& b, TimeUs expires) {
  const auto [x, y] = ordered(a, b);
  Entry* free = nullptr;
  Entry* e = find(bit, x, y, &free);
  if (!e) e = free;
  if (e) *e = Entry{x, y, bit, expires};
}

void HostBitTable::unset(uint32_t bit, const IpAddress& a, const IpAddress& b) {
  const auto [x, y] = ordered(a, b);
  if (Entry* e = find(bit, x, y, nullptr)) e->expires = 0;
}

}  // namespace mamori
