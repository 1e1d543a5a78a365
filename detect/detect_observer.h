#pragma once
// DetectObserver: the detect stage as a worker plug-in. Consumes each packet of a flow,
// produces alerts into the worker's AlertSink and marks the flow as alerted.
#include <memory>

#include "capture/flow_observer.h"
#include "detect/packet_inspector.h"

namespace mamori {

class DetectObserver final : public FlowObserver {
 public:
  DetectObserver(std::shared_ptr<const SignatureDatabase> database, AlertSink& sink)
      : inspector_(std::move(database)), sink_(sink) {}

  void onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) override;
  const DetectCounters& counters() const { return inspector_.counters(); }

 private:
  PacketInspector inspector_;
  AlertSink& sink_;
};

}  // namespace mamori
