#pragma once
// DetectObserver: the detect stage as a worker plug-in. Consumes each packet of a flow
// and the flow's reassembled TCP stream, produces alerts into the worker's AlertSink and
// marks the flow as alerted. Keeps the flows' flowbits / flowints and the last stream
// bytes per direction in its own FlowStatePool, reached through the flow's observer slot
// and released when the flow ends. Follows the RuleSetSlot: a reloaded rule set takes
// over between two packets. As an AppEventListener it also inspects each phase of the
// flows' app-layer transactions (HTTP requests and responses, DNS messages, TLS
// handshake steps) with the rules on app-layer buffers.
#include <memory>
#include <vector>

#include "applayer/app_identifier.h"
#include "applayer/app_record.h"
#include "capture/flow_observer.h"
#include "capture/published.h"
#include "detect/app_buffer_builder.h"
#include "detect/flow_state_pool.h"
#include "detect/packet_inspector.h"
#include "detect/rule_set_slot.h"

namespace mamori {

class DetectObserver final : public FlowObserver, public AppEventListener {
 public:
  // Flows that can hold flowbits / flowints / stream lookback at once, per worker.
  static constexpr size_t kFlowStateRecords = 1 << 16;
  // Stream bytes kept per direction: contents up to this long are seen across segments.
  static constexpr size_t kMaxStreamLookback = 256;
  // Stream data is inspected in pieces of at most this size (one scratch buffer).
  static constexpr size_t kStreamPiece = 64 * 1024;

  // With an AppIdentifier (added to the worker before this observer), alerts carry the
  // flow's app_proto.
  // `thresholds`: as PacketInspector's (SpanningDownstream when it is one worker of several).
  DetectObserver(const RuleSetSlot& rules, AlertSink& sink, const AppIdentifier* apps = nullptr,
                 PacketInspector::Thresholds thresholds = PacketInspector::Thresholds::All);

  void onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) override;
  void onPacketWithoutFlow(const DecodedPacket& pkt, bool malformed) override;
  void onStreamData(Flow& flow, Direction dir, const uint8_t* data, size_t len, uint64_t offset) override;
  void onStreamGap(Flow& flow, Direction dir, uint64_t offset, uint64_t len) override;
  void onFlowEnd(Flow& flow) override;
  // Add this observer to the worker before the AppParsers that call it, so that the
  // packet completing an event is the one this observer last saw.
  void onAppEvent(Flow& flow, const AppRecord& record) override;
  // App-layer frames: the rules of the frame's type, on its bytes (AppPhase::Frame).
  bool inspectsFrame(uint8_t type) const override { return inspector_->database().inspectsFrame(type); }
  void onAppFrame(Flow& flow, Direction dir, uint8_t type, const uint8_t* data, size_t len) override;
  const DetectCounters& counters() const { return inspector_->counters(); }
  uint64_t ruleSetVersion() const { return version_; }
  void publish() override;
  // Totals since start, across reloads, as of the last publish(); any thread.
  DetectCounters published() const;

 private:
  void useRuleSet();
  // Takes a reloaded rule set over between two packets.
  void followRuleSet();
  // `reached`: how far the stream of direction `dir` got with the data at hand.
  FlowContext contextOf(Flow& flow, Direction dir, uint64_t reached);
  // Whether `pkt` is the first packet of its direction, with data, to see the flow's
  // protocol as identified, or the first of either direction to see it changed; the stage
  // each direction saw is kept in two flowbits past the rule set's own.
  bool protocolDetectedAt(Flow& flow, Direction dir, const DecodedPacket& pkt, const FlowContext& context);
  // Runs `inspect(packet, context)` for an app record seen from `to_server`'s side: the
  // packet that completed it, or one standing in for the flow's end.
  // `record` is null for a frame.
  template <typename Inspect>
  void inspectRecord(Flow& flow, const AppRecord* record, bool to_server, Inspect&& inspect);

  const RuleSetSlot& rules_;
  uint64_t version_;
  std::unique_ptr<PacketInspector> inspector_;
  FlowStatePool flow_state_{kFlowStateRecords};
  AlertSink& sink_;
  const AppIdentifier* apps_;
  const PacketInspector::Thresholds thresholds_;
  // The packet being processed, without its data pointers: stream data it delivers is
  // attributed to it. Stream data of another flow (flushed when a flow ends) has none.
  DecodedPacket packet_;
  uint64_t packet_flow_ = 0;
  bool packet_valid_ = false;
  // How far the packet's data takes its direction's stream: an app event it completes is
  // raised while that data is delivered, before the stream's offset moves past it.
  Direction packet_dir_ = Direction::ToServer;
  uint64_t packet_reached_ = 0;
  std::vector<uint8_t> window_;  // lookback + one piece of new stream data
  AppBufferBuilder app_buffers_;
  DecodedPacket flow_packet_;    // stands in for an event the flow's end completed
  DetectCounters retired_;       // of inspectors replaced by reloads
  Published<DetectCounters> published_;
};

}  // namespace mamori
