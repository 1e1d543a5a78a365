#pragma once
// DatasetOverlay: one worker's view of the rule set's datasets: the values loaded with the
// rules (shared, read-only), plus what this worker's `dataset:set` added and `unset` took
// away since the rules loaded. Workers share nothing at run time, so a value one worker
// added is not seen by another's flows (workers are sharded by address pair, so a host's
// traffic stays on one). Bounded: each set takes at most its maxAdded() values added and
// as many removed per worker; a change past that is refused and counted. Reloading the
// rules starts over from the files.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "rules/rule.h"

namespace mamori {

class DatasetOverlay {
 public:
  // Whether `test` holds for the buffer value `value`, applying set / unset.
  bool test(const DatasetTest& test, std::string_view value);
  uint64_t refused() const { return refused_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Values = std::unordered_set<std::string, Hash, std::equal_to<>>;
  struct Changes {
    Values added, removed;
  };

  uint64_t refused_ = 0;
  std::vector<Changes> sets_;  // by Dataset::id(), grown when a set is first changed
};

}  // namespace mamori
