#pragma once
// DetectObserver: the detect stage as a worker plug-in. Consumes each packet of a flow,
// produces alerts into the worker's AlertSink and marks the flow as alerted. Follows the
// RuleSetSlot: a reloaded rule set takes over between two packets.
#include <memory>

#include "capture/flow_observer.h"
#include "detect/packet_inspector.h"
#include "detect/rule_set_slot.h"

namespace mamori {

class DetectObserver final : public FlowObserver {
 public:
  DetectObserver(const RuleSetSlot& rules, AlertSink& sink);

  void onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) override;
  const DetectCounters& counters() const { return inspector_->counters(); }
  uint64_t ruleSetVersion() const { return version_; }

 private:
  const RuleSetSlot& rules_;
  uint64_t version_;
  std::unique_ptr<PacketInspector> inspector_;
  AlertSink& sink_;
};

}  // namespace mamori
