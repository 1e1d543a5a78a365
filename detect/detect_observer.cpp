#include "detect/detect_observer.h"

#include <algorithm>
#include <cstring>

namespace mamori {
namespace {

// Suricata's `established`: for TCP the three-way handshake, which a flow picked up
// midstream never had (its state says established, but no SYN went either way).
bool handshakeDone(const Flow& flow) {
  if (flow.key.proto != static_cast<uint8_t>(IpProto::Tcp)) return flow.established();
  return flow.established() && (flow.tcp_flags[0] & tcpflag::Syn) && (flow.tcp_flags[1] & tcpflag::Syn);
}

// How far protocol detection went for a flow: 0 nothing yet, 1 identified, 2 changed
// protocol (what Suricata's detection reports done twice). Two bits per direction.
constexpr size_t kDetectionStageBits = 4;
uint32_t detectionStage(const FlowContext& c) { return !*c.app_proto ? 0 : !*c.app_proto_orig ? 1 : 2; }

}  // namespace

DetectObserver::DetectObserver(const RuleSetSlot& rules, AlertSink& sink, const AppIdentifier* apps,
                               PacketInspector::Thresholds thresholds)
    : rules_(rules), version_(rules.version()), sink_(sink), apps_(apps), thresholds_(thresholds) {
  window_.reserve(kMaxStreamLookback + kStreamPiece);
  useRuleSet();
}

// Once per reload, not per packet: a new scratch and state layout for the new database.
void DetectObserver::useRuleSet() {
  if (inspector_) retired_ += inspector_->totals();
  inspector_ = std::make_unique<PacketInspector>(rules_.current(), thresholds_);
  const SignatureDatabase& db = inspector_->database();
  flow_state_.configure(db.flowbitCount() + (db.hasProtocolDetectionOnly() ? kDetectionStageBits : 0),
                        db.flowintCount(), std::min(db.streamLookback(), kMaxStreamLookback));
}

void DetectObserver::publish() {
  DetectCounters now = retired_;
  now += inspector_->totals();
  now.flow_state_exhausted = flow_state_.exhausted();
  published_.set(now);
}

DetectCounters DetectObserver::published() const { return published_.get(); }

FlowContext DetectObserver::contextOf(Flow& flow, Direction dir, uint64_t reached) {
  FlowContext context{flow.flow_id,
                     dir == Direction::ToServer,
                     handshakeDone(flow),
                     {flow.pkts[0], flow.pkts[1]},
                     {flow.bytes[0], flow.bytes[1]},
                     &flow_state_,
                     &stateOf(flow),
                     flow.key.proto == static_cast<uint8_t>(IpProto::Tcp)};
  if (apps_) context.app_proto = apps_->appProtoOf(flow, context.app_proto_orig);
  context.start = flow.start;
  for (int d = 0; d < 2; ++d) {
    uint64_t delivered = flow.stream[d].next_offset;
    if (d == static_cast<int>(dir)) delivered = std::max(delivered, reached);
    context.stream_size[d] = delivered + 1;
  }
  return context;
}

bool DetectObserver::protocolDetectedAt(Flow& flow, Direction dir, const DecodedPacket& pkt, const FlowContext& context) {
  const uint32_t stage = detectionStage(context);
  // Suricata's detection completes on the data that decides it: a bare TCP ACK carries none.
  if (stage == 0 || (pkt.proto == static_cast<uint8_t>(IpProto::Tcp) && pkt.payload_len == 0)) return false;
  uint64_t* record = flow_state_.obtain(stateOf(flow), flow.flow_id);
  if (!record) return false;  // pool exhausted: counted there
  const auto base = static_cast<uint32_t>(inspector_->database().flowbitCount());
  const uint32_t bit = base + 2 * static_cast<uint32_t>(dir);
  const uint32_t seen = (FlowStatePool::bit(record, bit) ? 1u : 0u) | (FlowStatePool::bit(record, bit + 1) ? 2u : 0u);
  if (seen >= stage) return false;
  // Identified: each direction completes its own detection. Changed: the new protocol is
  // the flow's, set for both directions at once, as Suricata's detection with an expected
  // protocol does (one completion, on whichever side speaks it first).
  for (uint32_t d = 0; d < 2; ++d) {
    if (stage < 2 && base + 2 * d != bit) continue;
    flow_state_.setBit(record, base + 2 * d, stage & 1);
    flow_state_.setBit(record, base + 2 * d + 1, (stage & 2) != 0);
  }
  return true;
}

void DetectObserver::followRuleSet() {
  if (rules_.version() == version_) return;
  version_ = rules_.version();
  useRuleSet();
}

// A fragment held for reassembly, a frame that is not IP, a malformed packet: rules see
// it with no flow (no flow keyword, flowbit or app-layer protocol holds for it), as
// Suricata inspects its fragments and invalid packets.
void DetectObserver::onPacketWithoutFlow(const DecodedPacket& pkt, bool malformed) {
  followRuleSet();
  packet_valid_ = false;
  const FlowContext none{};
  if (malformed) inspector_->inspectEvents(pkt, none, sink_);
  else inspector_->inspect(pkt, none, sink_);
}

void DetectObserver::onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) {
  followRuleSet();
  packet_ = pkt;
  packet_.l3 = packet_.payload = nullptr;
  packet_.l3_len = packet_.payload_len = 0;
  packet_flow_ = flow.flow_id;
  packet_valid_ = true;
  uint64_t before = inspector_->counters().alerts;
  const int d = static_cast<int>(dir);
  packet_dir_ = dir;
  packet_reached_ = flow.stream[d].next_offset + pkt.payload_len;
  FlowContext context = contextOf(flow, dir, packet_reached_);
  if (inspector_->database().hasProtocolDetectionOnly()) context.protocol_detected = protocolDetectedAt(flow, dir, pkt, context);
  inspector_->inspect(pkt, context, sink_);
  if (inspector_->counters().alerts != before) flow.alerted = true;
}

void DetectObserver::onStreamData(Flow& flow, Direction dir, const uint8_t* data, size_t len, uint64_t offset) {
  if (!packet_valid_ || packet_flow_ != flow.flow_id) return;
  const int d = static_cast<int>(dir);
  const FlowContext context = contextOf(flow, dir, offset + len);
  uint64_t* record = flow_state_.tailCapacity() ? flow_state_.obtain(stateOf(flow), flow.flow_id) : nullptr;
  uint64_t before = inspector_->counters().alerts;
  while (len > 0) {
    const size_t piece = std::min(len, kStreamPiece);
    const size_t kept = record ? flow_state_.tailLength(record, d) : 0;
    window_.assign(record ? flow_state_.tail(record, d) : data, record ? flow_state_.tail(record, d) + kept : data);
    window_.insert(window_.end(), data, data + piece);
    inspector_->inspectStream(packet_, context, window_.data(), window_.size(), offset - kept, kept, sink_);
    if (record) {
      const size_t keep = std::min(window_.size(), flow_state_.tailCapacity());
      std::memcpy(flow_state_.tail(record, d), window_.data() + window_.size() - keep, keep);
      flow_state_.setTailLength(record, d, static_cast<uint32_t>(keep));
    }
    data += piece;
    offset += piece;
    len -= piece;
  }
  if (inspector_->counters().alerts != before) flow.alerted = true;
}

// Bytes on either side of a hole are not one content: start the lookback afresh.
void DetectObserver::onStreamGap(Flow& flow, Direction dir, uint64_t, uint64_t) {
  if (uint64_t* record = flow_state_.find(stateOf(flow), flow.flow_id)) {
    flow_state_.setTailLength(record, static_cast<int>(dir), 0);
  }
}

void DetectObserver::onAppEvent(Flow& flow, const AppRecord& record) {
  if (const std::optional<AppPhase> phase = app_buffers_.build(record)) {
    // The client's phases look at the flow to the server, the others back.
    const bool to_server = *phase == AppPhase::HttpRequestHeaders || *phase == AppPhase::HttpRequest ||
                           *phase == AppPhase::DnsRequest ||
                           *phase == AppPhase::TlsClientHello || *phase == AppPhase::ProtocolRequest ||
                           ((*phase == AppPhase::SshBanner || *phase == AppPhase::File) &&
                            record.dir == Direction::ToServer);
    inspectRecord(flow, &record, to_server, [&](const DecodedPacket& pkt, const FlowContext& context) {
      if (*phase != AppPhase::File) {
        inspector_->inspectApp(pkt, context, *phase, app_buffers_.buffers(), sink_, record.events,
                               record.event == AppEvent::ParserEvents);
        return;
      }
      const auto& info = std::get<FileInfo>(record.body);
      if (inspector_->inspectFile(pkt, context, app_buffers_.buffers(), info.file, sink_) && info.store_requested) {
        *info.store_requested = true;
      }
    });
  }
  // Events are seen from the side whose data raised them; an HTTP transaction's from its
  // other side too, as Suricata inspects such a transaction in each direction (its detect
  // flags are per direction): a rule naming no direction alerts once on each side.
  if (record.new_events.any()) {
    const bool raised_to_server = record.dir == Direction::ToServer;
    const bool both_sides = std::holds_alternative<HttpTransaction>(record.body);
    for (const bool to_server : {raised_to_server, !raised_to_server}) {
      if (to_server != raised_to_server && !both_sides) break;
      inspectRecord(flow, &record, to_server, [&](const DecodedPacket& pkt, const FlowContext& context) {
        inspector_->inspectAppEvents(pkt, context, record.events, record.new_events, sink_);
      });
    }
  }
}

void DetectObserver::onAppFrame(Flow& flow, Direction dir, uint8_t type, const uint8_t* data, size_t len) {
  const bool to_server = dir == Direction::ToServer;
  const AppBuffer frame{appFrameBuffer(type), data, len, to_server ? BufferSide::ToServer : BufferSide::ToClient};
  inspectRecord(flow, nullptr, to_server, [&](const DecodedPacket& pkt, const FlowContext& context) {
    inspector_->inspectApp(pkt, context, AppPhase::Frame, std::span<const AppBuffer>(&frame, 1), sink_);
  });
}

template <typename Inspect>
void DetectObserver::inspectRecord(Flow& flow, const AppRecord* record, bool to_server, Inspect&& inspect) {
  const Direction dir = to_server ? Direction::ToServer : Direction::ToClient;
  const DecodedPacket* pkt = &packet_;
  if (!packet_valid_ || packet_flow_ != flow.flow_id) {
    // Completed by the flow's end (a response cut short, a handshake never finished):
    // the alert names the flow's endpoints at its last packet.
    flow_packet_ = DecodedPacket{};
    flow_packet_.ts = flow.last;
    flow_packet_.src = to_server ? flow.client_ip : flow.server_ip;
    flow_packet_.dst = to_server ? flow.server_ip : flow.client_ip;
    flow_packet_.sport = to_server ? flow.client_port : flow.server_port;
    flow_packet_.dport = to_server ? flow.server_port : flow.client_port;
    flow_packet_.ip_version = flow.client_ip.family;
    flow_packet_.proto = flow.key.proto;
    flow_packet_.vlan[0] = flow.key.vlan[0];
    flow_packet_.vlan[1] = flow.key.vlan[1];
    flow_packet_.vlan_count = flow.vlan_count;
    pkt = &flow_packet_;
  }
  const bool by_packet = pkt == &packet_ && packet_dir_ == dir;
  const uint64_t reached = by_packet ? packet_reached_ : flow.stream[static_cast<int>(dir)].next_offset;
  FlowContext context = contextOf(flow, dir, reached);
  context.to_server = to_server;
  // A plug-in's record is of its protocol, whether nDPI named the flow so, had no verdict
  // or a wrong one that the plug-in's probe overruled.
  const auto* plugin = record ? std::get_if<ProtocolTransaction>(&record->body) : nullptr;
  if (plugin) context.app_proto = plugin->protocol;
  const auto* file = record ? std::get_if<FileInfo>(&record->body) : nullptr;
  if (file && file->protocol && !*context.app_proto) context.app_proto = file->protocol;
  const uint64_t before = inspector_->counters().alerts;
  inspect(*pkt, context);
  if (inspector_->counters().alerts != before) flow.alerted = true;
}

void DetectObserver::onFlowEnd(Flow& flow) { flow_state_.release(stateOf(flow), flow.flow_id); }

}  // namespace mamori
