#include "detect/address_classes.h"

#include <algorithm>
#include <map>

namespace mamori {
namespace {

template <typename T>
bool sameRanges(const IntervalSet<T>& a, const IntervalSet<T>& b) {
  return std::equal(a.ranges().begin(), a.ranges().end(), b.ranges().begin(), b.ranges().end(),
                    [](const auto& x, const auto& y) { return x.lo == y.lo && x.hi == y.hi; });
}

bool sameSide(const AddressMatcher& a, const AddressMatcher& b) {
  return sameRanges(a.v4(), b.v4()) && sameRanges(a.v6(), b.v6());
}

// Where `chosen` cut one family, and which of them holds each segment (bit i: chosen[i]).
template <typename T, typename Ranges>
std::vector<std::pair<T, uint64_t>> cut(const std::vector<const AddressMatcher*>& chosen, Ranges ranges) {
  std::vector<T> starts{T{0}};
  for (const AddressMatcher* side : chosen) {
    for (const auto& r : ranges(*side).ranges()) {
      starts.push_back(r.lo);
      if (r.hi != IntervalSet<T>::kMax) starts.push_back(static_cast<T>(r.hi + 1));
    }
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  std::vector<std::pair<T, uint64_t>> out;
  for (T start : starts) {
    uint64_t mask = 0;
    for (size_t i = 0; i < chosen.size(); ++i) {
      if (ranges(*chosen[i]).contains(start)) mask |= uint64_t{1} << i;
    }
    out.emplace_back(start, mask);
  }
  return out;
}

}  // namespace

AddressClasses::AddressClasses() { partition({}); }

AddressClasses::AddressClasses(const std::vector<const AddressMatcher*>& sides) {
  std::vector<std::pair<const AddressMatcher*, size_t>> distinct;  // with how many rules use it
  for (const AddressMatcher* side : sides) {
    if (side->isAny()) continue;
    auto same = std::find_if(distinct.begin(), distinct.end(), [&](const auto& d) { return sameSide(*d.first, *side); });
    if (same == distinct.end()) {
      distinct.emplace_back(side, 1);
    } else {
      ++same->second;
    }
  }
  std::stable_sort(distinct.begin(), distinct.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<const AddressMatcher*> chosen;
  for (const auto& [side, uses] : distinct) {
    if (chosen.size() == 64) break;
    chosen.push_back(side);
    if (!partition(chosen)) chosen.pop_back();
  }
  partition(chosen);
}

bool AddressClasses::partition(const std::vector<const AddressMatcher*>& chosen) {
  const auto v4 = cut<uint32_t>(chosen, [](const AddressMatcher& m) -> const auto& { return m.v4(); });
  const auto v6 = cut<AddressMatcher::V6>(chosen, [](const AddressMatcher& m) -> const auto& { return m.v6(); });
  std::map<uint64_t, uint8_t> class_of_mask;
  auto classOfMask = [&](uint64_t mask) {
    return class_of_mask.try_emplace(mask, static_cast<uint8_t>(class_of_mask.size())).first->second;
  };
  for (const auto& [start, mask] : v4) classOfMask(mask);
  for (const auto& [start, mask] : v6) classOfMask(mask);
  if (class_of_mask.size() > kMaxClasses) return false;

  classes_.assign(class_of_mask.size(), Class{});
  auto fill = [&](const auto& segments, auto& out, auto member) {
    using T = typename std::decay_t<decltype(out.starts)>::value_type;
    out.starts.clear();
    out.classes.clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      const uint8_t c = class_of_mask[segments[i].second];
      const T hi = i + 1 < segments.size() ? static_cast<T>(segments[i + 1].first - 1) : IntervalSet<T>::kMax;
      out.starts.push_back(segments[i].first);
      out.classes.push_back(c);
      (classes_[c].*member).add(segments[i].first, hi);
    }
  };
  fill(v4, v4_, &Class::v4);
  fill(v6, v6_, &Class::v6);
  return true;
}

bool AddressClasses::mayMatch(const AddressMatcher& side, uint8_t c) const {
  if (side.isAny()) return true;
  const Class& cls = classes_[c];
  return !side.v4().intersect(cls.v4).empty() || !side.v6().intersect(cls.v6).empty();
}

}  // namespace mamori
