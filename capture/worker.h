#pragma once
// Worker: one shard of the traffic, processed start to end on one thread.
// Consumes RawPackets (all packets of its flows, both directions, in capture order);
// produces FlowRecords and whatever its FlowObservers make of packets and streams.
//
//   RawPacket -> Decoder -> FlowTable -> FlowObservers.onPacket
//                                     -> TcpReassembler -> FlowObservers.onStreamData
//   flow end  -> TcpReassembler.flush -> FlowObservers.onFlowEnd -> FlowRecordSink
//
// Nothing here is shared with another worker; counters are published to readers on
// other threads (metrics, stats) by copy at each time tick, not per packet.
#include <vector>

#include "capture/decoder.h"
#include "capture/flow_observer.h"
#include "capture/flow_table.h"
#include "capture/published.h"
#include "capture/tcp_reassembler.h"

namespace mamori {

struct WorkerCounters {
  uint64_t packets = 0, bytes = 0;   // handed to this worker
  uint64_t decoded = 0, malformed = 0;
  uint64_t non_ip = 0;               // valid frames that carry no IP (ARP, LLDP, ...)
  uint64_t fragments_held = 0;
  uint64_t output_waits = 0;         // times a capture file's packets waited for the record sink
  uint64_t decode_events[kDecodeEventCount] = {};  // per kind: malformed packets and anomalies
  FlowTable::Stats flows;
  TcpReassembler::Stats tcp;
  FragmentReassembler::Stats frag;
  TimeUs now = 0;                    // packet time this worker has reached
};

class Worker final : private FlowEndHandler, private StreamConsumer {
 public:
  struct Config {
    FlowTable::Config flows;
    TcpReassembler::Limits tcp;
    FragmentReassembler::Limits frag;
  };

  Worker(int id, const Config& config, FlowRecordSink& records);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  int id() const { return id_; }
  // Observers are added before the first packet and called in the order added, except
  // at a flow's end (FlowObserver::onFlowEnd); at most Flow::kObserverSlots of them.
  void addObserver(FlowObserver* observer);

  void process(const RawPacket& raw);
  // Packet time moved on (also with no packet for this worker): expire flows, fragments.
  void advanceTime(TimeUs now);
  // End of input: every flow ends with reason "shutdown".
  void finish();

  // Copies the live counters for readers on other threads.
  void publish();
  WorkerCounters snapshot() const;
  // Packet time reached, on the worker's own thread (no copy, no lock).
  TimeUs snapshotTime() const { return live_.now; }
  // finish() has begun: what the worker reports now comes from flows the input's end cut
  // short, not from a packet. On the worker's own thread.
  bool inputEnded() const { return input_ended_; }
  // The record sink is full (FlowRecordSink::full): the next packet must wait. Each wait
  // is counted once. On the worker's own thread.
  bool recordsFull();

 private:
  void onFlowEnd(Flow& flow, FlowEndReason reason) override;
  void onStreamData(uint64_t flow_id, Direction dir, const uint8_t* data, size_t len, uint64_t offset) override;
  void onStreamGap(uint64_t flow_id, Direction dir, uint64_t offset, uint64_t len) override;

  int id_;
  Decoder decoder_;
  FlowTable flows_;
  TcpReassembler tcp_;
  FlowRecordSink& records_;
  std::vector<FlowObserver*> observers_;
  Flow* current_ = nullptr;  // the flow whose stream the reassembler is delivering
  bool input_ended_ = false;
  bool waiting_ = false;
  WorkerCounters live_;
  TimeUs last_expiry_ = 0;

  Published<WorkerCounters> published_;
};

}  // namespace mamori
