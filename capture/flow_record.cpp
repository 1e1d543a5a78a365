#include "capture/flow_record.h"

namespace mamori {

const char* flowEndReasonName(FlowEndReason r) {
  switch (r) {
    case FlowEndReason::Timeout: return "timeout";
    case FlowEndReason::Evicted: return "forced";
    case FlowEndReason::Shutdown: return "shutdown";
  }
  return "unknown";
}

}  // namespace mamori
