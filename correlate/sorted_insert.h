#pragma once
// The evidence lists of an Incident are sorted, unique and capped; this keeps them so.
#include <algorithm>
#include <cstddef>
#include <vector>

namespace mamori {

// Inserts into a sorted, unique list unless the list is full; returns the position, or
// -1 when the value was already there or did not fit.
template <typename T>
long insertSorted(std::vector<T>& list, const T& value, size_t cap) {
  auto it = std::lower_bound(list.begin(), list.end(), value);
  if ((it != list.end() && *it == value) || list.size() >= cap) return -1;
  long at = it - list.begin();
  list.insert(it, value);
  return at;
}

}  // namespace mamori
