#include "detect/alert.h"

#include "capture/stable_id.h"

namespace mamori {

uint64_t Alert::id() const {
  return StableId().add(flow_id).add(static_cast<uint64_t>(gid)).add(static_cast<uint64_t>(sid)).add(ts).id();
}

}  // namespace mamori
