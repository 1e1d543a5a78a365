#include "detect/detect_observer.h"

namespace mamori {

DetectObserver::DetectObserver(const RuleSetSlot& rules, AlertSink& sink)
    : rules_(rules), version_(rules.version()), inspector_(std::make_unique<PacketInspector>(rules.current())), sink_(sink) {}

void DetectObserver::onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) {
  if (rules_.version() != version_) {
    // Once per reload, not per packet: a new scratch for the new database.
    version_ = rules_.version();
    inspector_ = std::make_unique<PacketInspector>(rules_.current());
  }
  uint64_t before = inspector_->counters().alerts;
  inspector_->inspect(pkt, flow.flow_id, dir == Direction::ToServer, sink_);
  if (inspector_->counters().alerts != before) flow.alerted = true;
}

}  // namespace mamori
