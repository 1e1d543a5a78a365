#pragma once
// The seam where later stages plug into a worker: detection, app-layer parsers and
// anything else that wants packets, stream data or flow ends registers a FlowObserver.
// The worker loop and the flow table do not know which observers exist.
#include <cstddef>
#include <cstdint>

#include "capture/direction.h"
#include "capture/flow.h"
#include "capture/flow_record.h"
#include "capture/packet.h"

namespace mamori {

class FlowObserver {
 public:
  virtual ~FlowObserver() = default;
  // Every decoded packet that belongs to a flow, after the flow's counters and TCP state
  // were updated and before its payload enters reassembly.
  virtual void onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) = 0;
  // Every other packet: a fragment held for reassembly, a frame that is not IP (ARP,
  // LLDP, ...), or one the decoder could not finish (`pkt.events` says why; only its layers
  // before the failure are filled in). Such packets have no flow but still meet the rules
  // on packets and decoder events.
  virtual void onPacketWithoutFlow(const DecodedPacket& pkt, bool malformed) {}
  // In-order TCP stream data; `data` is valid only during the call.
  virtual void onStreamData(Flow& flow, Direction dir, const uint8_t* data, size_t len, uint64_t offset) {}
  virtual void onStreamGap(Flow& flow, Direction dir, uint64_t offset, uint64_t len) {}
  // The flow has ended and its streams were flushed: add what the observer knows of it to
  // the flow's record (the app layer names the protocol). Called before onFlowEnd.
  virtual void describe(const Flow& flow, FlowRecord& record) {}
  // The flow is about to be forgotten; its streams were already flushed. Observers are
  // told in reverse order of addition.
  virtual void onFlowEnd(Flow& flow) {}

  // Called on the worker's thread at each time tick: copy counters for readers on other
  // threads (metrics, stats), so nothing is shared per packet.
  virtual void publish() {}

  // The worker gives each observer one of Flow::observer_state's slots.
  void bindSlot(int slot) { slot_ = slot; }

 protected:
  uint32_t& stateOf(Flow& flow) const { return flow.observer_state[slot_]; }
  int slot() const { return slot_; }

 private:
  int slot_ = 0;
};

class FlowRecordSink {
 public:
  virtual ~FlowRecordSink() = default;
  virtual void onFlowRecord(const FlowRecord& record) = 0;
  // Backpressure for a capture file: true while the sink holds all it may and some of
  // what it holds can still be taken before the worker's packet time `now` moves on; the
  // engine then holds the worker's next packet back. A sink that drops when full (a live
  // interface) never says so.
  virtual bool full(TimeUs now) const { return false; }
};

}  // namespace mamori
