#include "detect/address_index.h"

#include <algorithm>

namespace mamori {

void AddressIndex::add(uint32_t rule, const AddressMatcher& side) {
  for (const auto& r : side.v4().ranges()) v4_.pending.push_back({r.lo, r.hi, rule});
  for (const auto& r : side.v6().ranges()) v6_.pending.push_back({r.lo, r.hi, rule});
}

void AddressIndex::build() {
  v4_.build();
  v6_.build();
}

template <typename T>
void AddressIndex::Family<T>::build() {
  starts.clear();
  for (const Pending& p : pending) {
    starts.push_back(p.lo);
    if (p.hi != IntervalSet<T>::kMax) starts.push_back(static_cast<T>(p.hi + 1));
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

  // The segments a range covers: from the one starting at lo up to the one holding hi.
  auto segments = [&](const Pending& p) {
    size_t first = std::lower_bound(starts.begin(), starts.end(), p.lo) - starts.begin();
    size_t last = std::upper_bound(starts.begin(), starts.end(), p.hi) - starts.begin();
    return std::pair{first, last};
  };
  offsets.assign(starts.size() + 1, 0);
  for (const Pending& p : pending) {
    auto [first, last] = segments(p);
    for (size_t s = first; s < last; ++s) ++offsets[s + 1];
  }
  for (size_t s = 0; s < starts.size(); ++s) offsets[s + 1] += offsets[s];
  rules.assign(offsets.back(), 0);
  std::vector<uint32_t> fill(offsets.begin(), offsets.end() - 1);
  for (const Pending& p : pending) {
    auto [first, last] = segments(p);
    for (size_t s = first; s < last; ++s) rules[fill[s]++] = p.rule;
  }
  pending.clear();
  pending.shrink_to_fit();
}

template <typename T>
std::span<const uint32_t> AddressIndex::Family<T>::rulesFor(T value) const {
  auto it = std::upper_bound(starts.begin(), starts.end(), value);
  if (it == starts.begin()) return {};
  size_t s = static_cast<size_t>(it - starts.begin()) - 1;
  return {rules.data() + offsets[s], rules.data() + offsets[s + 1]};
}

template struct AddressIndex::Family<uint32_t>;
template struct AddressIndex::Family<AddressMatcher::V6>;

}  // namespace mamori
