#include "detect/detect_observer.h"

namespace mamori {

void DetectObserver::onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) {
  uint64_t before = inspector_.counters().alerts;
  inspector_.inspect(pkt, flow.flow_id, dir == Direction::ToServer, sink_);
  if (inspector_.counters().alerts != before) flow.alerted = true;
}

}  // namespace mamori
