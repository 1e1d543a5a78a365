#pragma once
// Rules found by address: each rule added with one of its address sides (a short list,
// such as an IP reputation list), and looked up by a packet address with one binary
// search, instead of testing every such rule on every packet. Built once per rule set.
//
// The address space is cut into segments at every list boundary; each segment keeps
// the rules whose list covers it (compressed rows), so a lookup returns them directly.
#include <cstdint>
#include <span>
#include <vector>

#include "capture/ip_address.h"
#include "rules/address_matcher.h"

namespace mamori {

class AddressIndex {
 public:
  void add(uint32_t rule, const AddressMatcher& side);
  void build();

  bool empty() const { return v4_.rules.empty() && v6_.rules.empty(); }
  // The rules added with a side that holds `address`.
  std::span<const uint32_t> rulesFor(const IpAddress& address) const {
    if (address.family == 4) return v4_.rulesFor(AddressMatcher::v4Value(address));
    if (address.family == 6) return v6_.rulesFor(AddressMatcher::v6Value(address));
    return {};
  }

 private:
  template <typename T>
  struct Family {
    struct Pending {
      T lo, hi;
      uint32_t rule;
    };
    std::vector<Pending> pending;
    std::vector<T> starts;          // sorted segment starts
    std::vector<uint32_t> offsets;  // segment i's rules: rules[offsets[i] .. offsets[i + 1])
    std::vector<uint32_t> rules;

    void build();
    std::span<const uint32_t> rulesFor(T value) const;
  };

  Family<uint32_t> v4_;
  Family<AddressMatcher::V6> v6_;
};

}  // namespace mamori
