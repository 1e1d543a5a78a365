#pragma once
// The runtime side of detection, one per worker thread: runs a packet's payload through
// the shared SignatureDatabase and verifies the candidates completely (header, flow,
// flowbits, payload chain, flowints), then applies thresholds. Allocates nothing per
// packet: the Hyperscan scratch, regex match data, candidate lists and the Alert are
// made once and reused.
//
// Consumes: DecodedPacket + what is known of its flow (FlowContext), and per transaction
// phase the app layer's buffers (app_buffers.h). Produces: Alerts to an AlertSink, at
// most one per rule per packet (or phase), in rule-load order; flowbits and
// flowints in the flow's record of a FlowStatePool.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "applayer/app_layer_event.h"
#include "applayer/tracked_file.h"
#include "capture/packet.h"
#include "detect/alert.h"
#include "detect/app_buffers.h"
#include "detect/app_transforms.h"
#include "detect/detect_counters.h"
#include "detect/flow_state_pool.h"
#include "detect/host_bit_table.h"
#include "detect/payload_verifier.h"
#include "detect/signature_database.h"
#include "detect/threshold_table.h"

struct hs_database;
struct hs_scratch;

namespace mamori {

struct FlowContext {
  uint64_t flow_id = 0;
  bool to_server = true;
  bool established = false;  // TCP: three-way handshake seen; others: packets both ways
  uint64_t packets[2] = {0, 0};  // so far, this packet included; [0] to server
  uint64_t bytes[2] = {0, 0};
  // Where the flow's flowbits / flowints live; without them those rules see every
  // variable unset and their writes are dropped.
  FlowStatePool* pool = nullptr;
  uint32_t* state_handle = nullptr;
  // The flow's TCP payload reaches inspectStream as the reassembled stream, so stream
  // signatures skip its packets.
  bool stream_inspected = false;
  // TCP: how far each side's sequence numbers went, as stream_size counts (bytes
  // including this packet's, + 1 for the SYN); [0] the client's.
  uint64_t stream_size[2] = {0, 0};
  // The flow's application protocol as EVE names it; "" while unknown (or no app layer).
  // Rules whose header names an app-layer protocol (alert http ...) and
  // app-layer-protocol tests match only once it is known; http1 / http2 count as http,
  // ssl as tls.
  const char* app_proto = "";
  // What it was identified as before it changed protocol (an HTTP/1 upgrade to h2c,
  // STARTTLS), for app-layer-protocol's `original` mode; "" when it never changed.
  const char* app_proto_orig = "";
  // This packet is the first of its direction, carrying data, since the flow's protocol
  // was identified or changed: where Suricata's protocol-detection-only rules are tried.
  bool protocol_detected = false;
  TimeUs start = 0;  // the flow's first packet, for flow.age
};

class PacketInspector {
 public:
  // Which thresholds / detection_filters this inspector decides. `SpanningDownstream`: it
  // sees only some address pairs (one worker of several), so the rules tracked by_src,
  // by_dst or by_rule alert on every match, carrying Alert::undecided_thresholds, and the
  // receiver of every inspector's alerts decides them.
  enum class Thresholds : uint8_t { All, SpanningDownstream };

  // Throws std::runtime_error when Hyperscan cannot allocate scratch space.
  explicit PacketInspector(std::shared_ptr<const SignatureDatabase> database, Thresholds thresholds = Thresholds::All);
  ~PacketInspector();
  PacketInspector(const PacketInspector&) = delete;
  PacketInspector& operator=(const PacketInspector&) = delete;

  void inspect(const DecodedPacket& pkt, const FlowContext& flow, AlertSink& sink);
  // Only the rules on decoder and stream events, for a packet the decoder could not
  // finish: what it holds beyond the failed layer is not what the rules expect to see.
  void inspectEvents(const DecodedPacket& pkt, const FlowContext& flow, AlertSink& sink);
  // Stream signatures on reassembled TCP data of one direction: data[0] is at
  // `stream_offset` in the stream, and data[0 .. fresh_from) was inspected before (kept
  // so that a content split across segments is seen whole); `pkt` is the packet that
  // delivered the data, for header keywords and the alert.
  void inspectStream(const DecodedPacket& pkt, const FlowContext& flow, const uint8_t* data, size_t length,
                     uint64_t stream_offset, size_t fresh_from, AlertSink& sink);
  // The rules with app-layer buffers whose phase is `phase` (app_buffers.h), on one
  // phase of one transaction: each buffer the phase provides is scanned with the
  // database of the rules whose fast pattern lies in it, then each candidate is verified
  // completely: header and flow keywords on `pkt` (the packet that completed the phase)
  // and `flow`, flowbits, app-layer-protocol, its payload keywords on pkt's payload, each
  // of its app buffers' chain (with transforms and bsize / urilen) on some instance of
  // that buffer in `buffers`, flowints. At most one alert per rule per call. Call once
  // per phase of a transaction.
  // `events`: the app-layer events of the transaction so far, for rules that name
  // app-layer-event besides their buffers.
  // `values_only`: the record holds value keywords' buffers alone (an HTTP/2 connection
  // frame's http2.* values, no transaction): rules with buffers are not verified on it, so
  // that one testing a buffer's absence does not take it for a transaction without one.
  void inspectApp(const DecodedPacket& pkt, const FlowContext& flow, AppPhase phase,
                  std::span<const AppBuffer> buffers, AlertSink& sink, const AppLayerEventSet& events = {},
                  bool values_only = false);
  // The rules whose only app-layer keywords are app-layer-event, once per record that
  // raised some (`fresh`) of a transaction's events (`events`, those included): a rule
  // matches when all its events are raised, one of them in `fresh`, and its other keywords
  // match `pkt` and `flow` (to_server: the side whose data raised them), as verifyApp.
  void inspectAppEvents(const DecodedPacket& pkt, const FlowContext& flow, const AppLayerEventSet& events,
                        const AppLayerEventSet& fresh, AlertSink& sink);
  // The File phase of one tracked file: inspectApp, with the rules' file tests
  // (filesize, hash lists) on `file`. True when a matching rule's filestore asks to keep
  // the file (its direction allowing).
  bool inspectFile(const DecodedPacket& pkt, const FlowContext& flow, std::span<const AppBuffer> buffers,
                   const TrackedFile& file, AlertSink& sink);

  const DetectCounters& counters() const { return counters_; }
  // counters() with what is counted elsewhere (dataset refusals), to publish.
  DetectCounters totals() const {
    DetectCounters c = counters_;
    c.dataset_refused = datasets_.refused();
    return c;
  }
  const SignatureDatabase& database() const { return *database_; }

 private:
  struct InspectedBuffer {
    const uint8_t* data;
    size_t length;
    bool stream;
    uint64_t stream_offset;
    size_t fresh_from;
  };
  void detect(const DecodedPacket& pkt, const FlowContext& flow, const InspectedBuffer& buffer, AlertSink& sink);
  // The rules on the packet's events (if it has any) and `others`, each verified: no
  // prefilter, for the packets that have no signature group.
  void inspectUnprefiltered(const DecodedPacket& pkt, const FlowContext& flow, std::span<const uint32_t> others,
                            AlertSink& sink);
  void scan(const hs_database* patterns, const InspectedBuffer& buffer);
  static int onPatternMatch(unsigned int id, unsigned long long from, unsigned long long to,
                            unsigned int flags, void* context);
  bool verify(const Signature& signature, const DecodedPacket& pkt, const FlowContext& flow,
              const InspectedBuffer& buffer);
  bool verifyApp(const Signature& signature, const DecodedPacket& pkt, const FlowContext& flow,
                 std::span<const AppBuffer> buffers, const AppLayerEventSet& events);
  // What every kind of rule checks before its buffers: addresses, app-layer protocol,
  // header and flow keywords, flowbits.
  bool flowSideMatches(const Signature& signature, const DecodedPacket& pkt, const FlowContext& flow);
  bool headerBuffersMatch(const Rule& rule, const DecodedPacket& pkt);
  bool payloadMatches(const Rule& rule, const InspectedBuffer& buffer);
  bool appBufferMatches(const Rule& rule, const AppBufferMatch& match, std::span<const AppBuffer> buffers,
                        bool to_server);
  // Verifies one rule in the writers' or the readers' pass (writers of flow state go
  // first) and keeps it for an alert; a matching pass rule sets `pass`.
  template <typename Verify>
  void check(uint32_t index, bool writers, const DecodedPacket& pkt, const FlowContext& flow, Verify&& verify,
             bool& pass);
  void emitAlerts(const DecodedPacket& pkt, const FlowContext& flow, AlertSink& sink);
  bool flowbitsMatch(const Signature& signature, const uint64_t* record) const;
  bool applyFlowints(const Signature& signature, const FlowContext& flow);
  void applyFlowbits(const Signature& signature, const FlowContext& flow);
  bool xbitsMatch(const Signature& signature, const DecodedPacket& pkt);
  void applyXbits(const Signature& signature, const DecodedPacket& pkt);
  // Whether the receiver decides the thresholds of `signature`, which has some.
  bool leftDownstream(const Signature& signature) const;
  // True when the match is an alert, or one whose thresholds the receiver decides.
  bool thresholdAllows(const Signature& signature, const DecodedPacket& pkt, uint64_t flow_id);

  std::shared_ptr<const SignatureDatabase> database_;
  hs_scratch* scratch_ = nullptr;
  DatasetOverlay datasets_;  // before payload_, which keeps a reference
  PayloadVerifier payload_;
  ThresholdTable thresholds_;
  const Thresholds decides_;
  HostBitTable xbits_;
  std::vector<uint32_t> candidates_;
  std::vector<uint32_t> matched_;
  AppTransforms transforms_;
  const TrackedFile* file_ = nullptr;  // during inspectFile
  bool store_file_ = false;
  Alert alert_;
  DetectCounters counters_;
};

}  // namespace mamori
