#pragma once
// The address space cut into a few classes by the address expressions rules use most
// ($HOME_NET, $EXTERNAL_NET, ...): every address of a class lies inside or outside each
// such expression alike. Pattern groups are keyed by the classes of a packet's two
// addresses, so `$EXTERNAL_NET -> $HOME_NET` rules are never scanned for on traffic
// leaving the home network. Built once per rule set; classOf is one binary search.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "capture/ip_address.h"
#include "rules/address_matcher.h"
#include "rules/interval_set.h"

namespace mamori {

class AddressClasses {
 public:
  // Each class pair has its databases, and on ET Open more than two classes (home and
  // elsewhere) measured no faster while compiling more; expressions that would exceed
  // this stay out of the partition (their rules are then grouped as if they said `any`).
  static constexpr size_t kMaxClasses = 2;

  // Every address in one class.
  AddressClasses();
  // From the address sides of the rules to group, repeats included: the most used
  // expressions are preferred; `any` sides are ignored.
  explicit AddressClasses(const std::vector<const AddressMatcher*>& sides);

  size_t count() const { return classes_.size(); }
  uint8_t classOf(const IpAddress& address) const {
    if (address.family == 4) return v4_.classOf(AddressMatcher::v4Value(address));
    if (address.family == 6) return v6_.classOf(AddressMatcher::v6Value(address));
    return 0;
  }
  // False only when no address of class `c` can match `side`.
  bool mayMatch(const AddressMatcher& side, uint8_t c) const;

 private:
  template <typename T>
  struct Segments {
    std::vector<T> starts;  // sorted; segment i runs from starts[i] to starts[i + 1] - 1
    std::vector<uint8_t> classes;
    uint8_t classOf(T value) const {
      auto it = std::upper_bound(starts.begin(), starts.end(), value);
      return it == starts.begin() ? 0 : classes[it - starts.begin() - 1];
    }
  };
  struct Class {
    IntervalSet<uint32_t> v4;
    IntervalSet<AddressMatcher::V6> v6;
  };
  // The classes `chosen` cut the space into; false when there would be too many.
  bool partition(const std::vector<const AddressMatcher*>& chosen);

  std::vector<Class> classes_;
  Segments<uint32_t> v4_;
  Segments<AddressMatcher::V6> v6_;
};

}  // namespace mamori
