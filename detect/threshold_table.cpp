#include "detect/threshold_table.h"

#include "capture/hash_mix.h"

namespace mamori {
namespace {
constexpr size_t kProbe = 16;

uint64_t hashOf(const IpAddress& a, const IpAddress& b, uint64_t key) {
  uint64_t h = mix64(key);
  h = mix64(h ^ load64(a.bytes.data()) ^ load64(a.bytes.data() + 8) * 31);
  return mix64(h ^ load64(b.bytes.data()) ^ load64(b.bytes.data() + 8) * 31);
}
// True when n is count * multiplier^k for some k >= 0.
bool isBackoffStep(uint64_t n, uint64_t count, uint64_t multiplier) {
  if (n < count || n % count != 0) return false;
  uint64_t step = n / count;
  if (multiplier < 2) return step == 1;
  while (step % multiplier == 0) step /= multiplier;
  return step == 1;
}
}  // namespace

ThresholdTable::ThresholdTable(size_t capacity)
    : entries_(capacity < kProbe ? kProbe : capacity), sightings_(entries_.size() * 2) {}

bool ThresholdTable::firstSighting(uint64_t entry_hash, uint16_t port, TimeUs window_start) {
  const uint64_t tag = mix64(entry_hash ^ (uint64_t{port} + 1) * 0x9e3779b97f4a7c15ULL);
  const size_t start = tag % sightings_.size();
  Sighting* victim = nullptr;
  for (size_t i = 0; i < kProbe; ++i) {
    Sighting& s = sightings_[(start + i) % sightings_.size()];
    if (s.used && s.tag == tag) {
      const bool first = s.window_start != window_start;
      s.window_start = window_start;
      return first;
    }
    if (!s.used) {
      victim = &s;
      break;
    }
    if (!victim || s.window_start < victim->window_start) victim = &s;
  }
  *victim = Sighting{tag, window_start, true};
  return true;
}

bool ThresholdTable::allow(const RuleThresholds& rule, const ThresholdSubject& match) {
  bool allowed = !rule.detection_filter || allow(*rule.detection_filter, true, rule.key, match);
  if (rule.threshold) allowed = allow(*rule.threshold, false, rule.key, match) && allowed;
  return allowed;
}

bool ThresholdTable::allow(const Threshold& t, bool detection_filter, uint64_t rule_key,
                           const ThresholdSubject& match) {
  IpAddress a, b;
  const uint64_t flow = t.track == Threshold::Track::ByFlow ? match.flow_id : 0;
  if (t.track == Threshold::Track::BySrc || t.track == Threshold::Track::ByBoth) a = match.src;
  if (t.track == Threshold::Track::ByDst || t.track == Threshold::Track::ByBoth) b = match.dst;

  const uint64_t entry_hash = mix64(hashOf(a, b, rule_key * 2 + detection_filter) ^ flow);
  const size_t start = entry_hash % entries_.size();
  // Entries are never emptied, only reused, so the first unused slot ends the search.
  Entry* entry = nullptr;
  Entry* victim = nullptr;
  for (size_t i = 0; i < kProbe; ++i) {
    Entry& e = entries_[(start + i) % entries_.size()];
    if (!e.used) {
      victim = &e;
      break;
    }
    if (e.rule_key == rule_key && e.detection_filter == detection_filter && e.flow_id == flow && e.a == a &&
        e.b == b) {
      entry = &e;
      break;
    }
    if (!victim || e.window_start < victim->window_start) victim = &e;
  }
  const TimeUs window = TimeUs{t.seconds} * 1'000'000;
  // Backoff counts over the flow's whole life.
  const bool fresh = !entry || (t.type != Threshold::Type::Backoff && match.ts - entry->window_start >= window);
  if (!entry) {
    entry = victim;
    *entry = Entry{a, b, flow, rule_key, detection_filter, 0, 0, true};
  }
  if (fresh) {
    entry->window_start = match.ts;
    entry->count = 0;
  }
  if (detection_filter && t.unique_on != Threshold::UniqueOn::None) {
    // `count` counts distinct ports here: only a port's first sighting in the window.
    const uint16_t port = t.unique_on == Threshold::UniqueOn::SrcPort ? match.sport : match.dport;
    if (firstSighting(entry_hash, port, entry->window_start)) ++entry->count;
    return entry->count > t.count;
  }
  if (entry->count < UINT32_MAX) ++entry->count;
  if (detection_filter) return entry->count > t.count;
  switch (t.type) {
    case Threshold::Type::Limit:
      return entry->count <= t.count;
    case Threshold::Type::Threshold:
      if (entry->count < t.count) return false;
      entry->count = 0;  // every count-th match within the window
      return true;
    case Threshold::Type::Both:
      return entry->count == t.count;
    case Threshold::Type::Backoff:
      return isBackoffStep(entry->count, t.count, t.multiplier);
  }
  return false;
}

}  // namespace mamori
