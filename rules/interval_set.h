#pragma once
// A set of unsigned integers held as sorted, disjoint, non-adjacent closed ranges.
// Address and port expressions compile to these: lists become unions, `!` becomes a
// complement, and a membership test is one binary search with no allocation.
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace mamori {

template <typename T>
class IntervalSet {
 public:
  static constexpr T kMax = static_cast<T>(~T{0});

  struct Range {
    T lo, hi;
  };

  static IntervalSet full() {
    IntervalSet s;
    s.ranges_.push_back({T{0}, kMax});
    return s;
  }

  // Adding in any order is fine: the set is normalised on every add, and sets are
  // built once at rule-load time.
  void add(T lo, T hi) {
    if (hi < lo) std::swap(lo, hi);
    ranges_.push_back({lo, hi});
    normalize();
  }

  void unite(const IntervalSet& other) {
    ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
    normalize();
  }

  // How many values the set holds, saturating at kMax.
  T size() const {
    T total = 0;
    for (const Range& r : ranges_) {
      T span = static_cast<T>(r.hi - r.lo);
      if (span == kMax || total > static_cast<T>(kMax - span - 1)) return kMax;
      total = static_cast<T>(total + span + 1);
    }
    return total;
  }

  IntervalSet complement() const {
    IntervalSet out;
    T next = T{0};
    bool open = true;  // false once a range reaches kMax: nothing lies beyond it
    for (const Range& r : ranges_) {
      if (r.lo > next) out.ranges_.push_back({next, static_cast<T>(r.lo - 1)});
      if (r.hi == kMax) {
        open = false;
        break;
      }
      next = static_cast<T>(r.hi + 1);
    }
    if (open) out.ranges_.push_back({next, kMax});
    return out;
  }

  IntervalSet intersect(const IntervalSet& other) const {
    IntervalSet out;
    size_t i = 0, j = 0;
    while (i < ranges_.size() && j < other.ranges_.size()) {
      const Range& a = ranges_[i];
      const Range& b = other.ranges_[j];
      T lo = std::max(a.lo, b.lo);
      T hi = std::min(a.hi, b.hi);
      if (lo <= hi) out.ranges_.push_back({lo, hi});
      if (a.hi < b.hi) {
        ++i;
      } else {
        ++j;
      }
    }
    return out;
  }

  IntervalSet subtract(const IntervalSet& other) const { return intersect(other.complement()); }

  bool contains(T v) const {
    // First range starting after v; the one before it is the only candidate.
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), v,
                               [](T value, const Range& r) { return value < r.lo; });
    return it != ranges_.begin() && v <= std::prev(it)->hi;
  }

  bool empty() const { return ranges_.empty(); }
  bool isFull() const { return ranges_.size() == 1 && ranges_[0].lo == T{0} && ranges_[0].hi == kMax; }
  const std::vector<Range>& ranges() const { return ranges_; }

 private:
  void normalize() {
    std::sort(ranges_.begin(), ranges_.end(),
              [](const Range& a, const Range& b) { return a.lo < b.lo; });
    std::vector<Range> merged;
    merged.reserve(ranges_.size());
    for (const Range& r : ranges_) {
      if (!merged.empty()) {
        Range& last = merged.back();
        if (last.hi == kMax || r.lo <= static_cast<T>(last.hi + 1)) {
          last.hi = std::max(last.hi, r.hi);
          continue;
        }
      }
      merged.push_back(r);
    }
    ranges_ = std::move(merged);
  }

  std::vector<Range> ranges_;
};

}  // namespace mamori
