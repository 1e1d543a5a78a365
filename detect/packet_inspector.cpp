#include "detect/packet_inspector.h"

#include <hs/hs.h>

#include <algorithm>
#include <span>
#include <stdexcept>

#include "detect/header_verifier.h"
#include "rules/protocol_buffers.h"

namespace mamori {
namespace {

constexpr size_t kThresholdEntries = 1 << 14;
constexpr size_t kXbitEntries = 1 << 14;

// A '=>' rule's source is the client's side: it is evaluated on the response, whose
// packet goes the other way.
bool addressesMatch(const Rule& rule, const DecodedPacket& pkt, bool to_server) {
  if (!rule.protocol.matches(pkt.ip_version, pkt.proto, pkt.ethertype, pkt.l2 != nullptr)) return false;
  auto from = [&](const IpAddress& src, uint16_t sport, const IpAddress& dst, uint16_t dport) {
    return rule.source.matches(src) && rule.source_ports.matches(sport) && rule.destination.matches(dst) &&
           rule.destination_ports.matches(dport);
  };
  const bool reversed = rule.direction == RuleDirection::Transactional && !to_server;
  if (!reversed && from(pkt.src, pkt.sport, pkt.dst, pkt.dport)) return true;
  return (reversed || rule.direction == RuleDirection::Bidirectional) && from(pkt.dst, pkt.dport, pkt.src, pkt.sport);
}

bool counterMatches(const std::optional<FlowCounterTest>& t, const uint64_t (&counts)[2]) {
  if (!t) return true;
  switch (t->side) {
    case FlowCounterTest::Side::ToServer: return t->test.matches(counts[0]);
    case FlowCounterTest::Side::ToClient: return t->test.matches(counts[1]);
    case FlowCounterTest::Side::Either: return t->test.matches(counts[0]) || t->test.matches(counts[1]);
  }
  return false;
}

bool streamSizeMatches(const StreamSizeTest& t, const uint64_t (&size)[2]) {
  const bool client = t.test.matches(size[0]), server = t.test.matches(size[1]);
  switch (t.side) {
    case StreamSizeTest::Side::Server: return server;
    case StreamSizeTest::Side::Client: return client;
    case StreamSizeTest::Side::Both: return client && server;
    case StreamSizeTest::Side::Either: return client || server;
  }
  return false;
}

bool flowMatches(const FlowTests& f, const DecodedPacket& pkt, const FlowContext& flow) {
  if (f.to_server && !flow.to_server) return false;
  if (f.to_client && flow.to_server) return false;
  if (f.established && !flow.established) return false;
  if (f.not_established && flow.established) return false;
  if (f.only_frag && !pkt.reassembled) return false;
  if (f.no_frag && pkt.reassembled) return false;
  if (f.age && !f.age->matches(static_cast<uint64_t>(std::max<TimeUs>(pkt.ts - flow.start, 0)) / 1'000'000)) {
    return false;
  }
  if (!f.stream_size.empty() && pkt.proto != 6) return false;
  for (const StreamSizeTest& t : f.stream_size) {
    if (!streamSizeMatches(t, flow.stream_size)) return false;
  }
  return counterMatches(f.packets, flow.packets) && counterMatches(f.bytes, flow.bytes);
}

bool eventsMatch(const Signature& s, const DecodedPacket& pkt) {
  if (s.never_raised) return false;
  return std::all_of(s.events.begin(), s.events.end(), [&](DecodeEvent e) { return pkt.events.test(e); });
}

bool appProtoKnownAs(const char* app_proto, const Signature& s) {
  if (!app_proto || !*app_proto) return false;
  // DNS over HTTP/2 is HTTP/2 to the parsers: a doh2 rule looks at HTTP/2 flows, as
  // Suricata's AppProtoEquals has it.
  if (s.app_proto == "doh2") return std::string_view(app_proto) == "http2";
  const std::string_view known = canonicalAppProto(app_proto);
  return known == s.app_proto || namedIn(s.app_proto_also, known);
}

// Suricata's AppProtoEquals: "http" is HTTP/1 (which app_proto calls "http") or HTTP/2,
// "http1" and "http2" only the one; "ssl" is "tls"; "dcerpc" is also SMB (protocolAlsoIn).
bool appProtoEquals(std::string_view rule_name, std::string_view flow_proto) {
  if (rule_name == "http") return flow_proto == "http" || flow_proto == "http1" || flow_proto == "http2";
  auto norm = [](std::string_view n) { return n == "http1" ? "http" : n == "ssl" ? "tls" : n; };
  return norm(rule_name) == norm(flow_proto) || namedIn(protocolAlsoIn(rule_name), flow_proto);
}

bool appProtocolsMatch(const std::vector<AppProtocolTest>& tests, const FlowContext& flow) {
  for (const AppProtocolTest& t : tests) {
    const char* proto = t.mode == AppProtocolTest::Mode::Original ? flow.app_proto_orig : flow.app_proto;
    if (!proto || !*proto) return false;
    if (appProtoEquals(t.name, proto) == t.negated) return false;
  }
  return true;
}

// tls.version: the buffer as a big-endian number, any instance of it; a plug-in keyword
// with a matcher of its own (dcerpc.iface) asks it of each instance. Of a value both sides
// have, the phase's side (an HTTP response's phase also holds the request's http2.* values).
bool appValueMatches(const AppValueTest& test, std::span<const AppBuffer> buffers, bool to_server) {
  const ProtocolBuffer* row = protocolBufferOf(test.buffer);
  const BufferSide own = to_server ? BufferSide::ToServer : BufferSide::ToClient;
  for (const AppBuffer& b : buffers) {
    if (b.id != test.buffer || (b.side != BufferSide::Unnamed && b.side != own)) continue;
    if (row && row->match_value) {
      if (row->match_value(test, std::string_view(reinterpret_cast<const char*>(b.data), b.length))) return true;
      continue;
    }
    if (b.length == 0 || b.length > 8) continue;
    uint64_t value = 0;
    for (size_t i = 0; i < b.length; ++i) value = value << 8 | b.data[i];
    if (test.test) {
      if (test.test->matches(value)) return true;
      continue;
    }
    const bool listed = std::find(test.values.begin(), test.values.end(), value) != test.values.end();
    if (listed != test.negated) return true;
  }
  return false;
}

// filesize on a file cut short can only say it is larger, as Suricata's note has it.
bool fileSizeMatches(const NumericTest& t, const TrackedFile& file) {
  if (file.state != FileState::Closed && t.op != NumericTest::Op::Gt && t.op != NumericTest::Op::Ge) return false;
  return t.matches(file.size);
}

bool fileHashMatches(const FileHashTest& t, const TrackedFile& file) {
  const std::string& hash = t.list->hexLength() == 32 ? file.md5 : t.list->hexLength() == 40 ? file.sha1 : file.sha256;
  if (hash.empty()) return false;
  return t.list->contains(hash) != t.negated;
}

bool fileTestsMatch(const FileTests& tests, const TrackedFile& file) {
  return std::all_of(tests.sizes.begin(), tests.sizes.end(), [&](const NumericTest& t) { return fileSizeMatches(t, file); }) &&
         std::all_of(tests.hashes.begin(), tests.hashes.end(), [&](const FileHashTest& t) { return fileHashMatches(t, file); });
}

bool storesDirection(const Rule& rule, const FileStoreAction& store, Direction dir) {
  using D = FileStoreAction::Direction;
  switch (store.direction) {
    case D::Both: return true;
    case D::ToServer: return dir == Direction::ToServer;
    case D::ToClient: return dir == Direction::ToClient;
    case D::Rule: break;
  }
  if (rule.flow.to_server) return dir == Direction::ToServer;
  if (rule.flow.to_client) return dir == Direction::ToClient;
  return true;
}

}  // namespace

PacketInspector::PacketInspector(std::shared_ptr<const SignatureDatabase> database, Thresholds thresholds)
    : database_(std::move(database)),
      payload_(database_->maxRegexCaptures(), database_->maxVariables(), datasets_),
      thresholds_(database_->thresholdCount() ? kThresholdEntries : 0),
      decides_(thresholds),
      xbits_(database_->xbitCount() ? kXbitEntries : 0) {
  // One scratch, grown to serve every database.
  auto grow = [&](const std::vector<hs_database*>& databases) {
    for (const hs_database* patterns : databases) {
      if (hs_alloc_scratch(patterns, &scratch_) != HS_SUCCESS) {
        throw std::runtime_error("cannot allocate Hyperscan scratch space");
      }
    }
  };
  for (bool stream : {false, true}) grow(database_->groups(stream).databases());
  grow(database_->appDatabases());
  // Detection does not block (IDS): every alert reports the packet as let through.
  alert_.action = "allowed";
  candidates_.reserve(database_->size());
  matched_.reserve(database_->size());
}

PacketInspector::~PacketInspector() { hs_free_scratch(scratch_); }

int PacketInspector::onPatternMatch(unsigned int id, unsigned long long, unsigned long long,
                                    unsigned int, void* context) {
  // HS_FLAG_SINGLEMATCH: each id at most once per scan, so no duplicate check is needed.
  static_cast<PacketInspector*>(context)->candidates_.push_back(id);
  return 0;
}

void PacketInspector::scan(const hs_database* patterns, const InspectedBuffer& buffer) {
  if (!patterns || buffer.length == 0) return;
  counters_.bytes_scanned += buffer.length;
  hs_error_t rc = hs_scan(patterns, reinterpret_cast<const char*>(buffer.data), static_cast<unsigned>(buffer.length),
                          0, scratch_, &PacketInspector::onPatternMatch, this);
  if (rc != HS_SUCCESS) ++counters_.scan_errors;
}

bool PacketInspector::flowbitsMatch(const Signature& s, const uint64_t* record) const {
  for (size_t i = 0; i < s.rule.flowbits.size(); ++i) {
    const FlowbitOp& op = s.rule.flowbits[i];
    const bool want = op.cmd == FlowbitOp::Cmd::IsSet;
    if (!want && op.cmd != FlowbitOp::Cmd::IsNotSet) continue;
    size_t hits = 0;
    for (uint32_t id : s.flowbit_ids[i]) hits += FlowStatePool::bit(record, id) == want;
    if (op.any ? hits == 0 : hits != s.flowbit_ids[i].size()) return false;
  }
  return true;
}

// In rule order, as Suricata runs them: a modification takes effect for the tests after it.
bool PacketInspector::applyFlowints(const Signature& s, const FlowContext& flow) {
  if (s.rule.flowints.empty()) return true;
  const FlowStatePool* pool = flow.pool;
  const uint64_t* record = pool && flow.state_handle ? pool->find(*flow.state_handle, flow.flow_id) : nullptr;
  for (size_t i = 0; i < s.rule.flowints.size(); ++i) {
    const FlowintOp& op = s.rule.flowints[i];
    const auto [id, operand_id] = s.flowint_ids[i];
    const bool is_set = pool && pool->intSet(record, id);
    int64_t operand = op.value;
    if (operand_id >= 0) {
      if (!pool || !pool->intSet(record, operand_id)) return false;
      operand = pool->intValue(record, operand_id);
    }
    if (op.modifies()) {
      if (!pool || !flow.state_handle) return false;
      uint64_t* writable = flow.pool->obtain(*flow.state_handle, flow.flow_id);
      if (!writable) return false;
      record = writable;
      int64_t current = is_set ? pool->intValue(record, id) : 0;
      int64_t result = op.cmd == FlowintOp::Cmd::Assign ? operand
                       : op.cmd == FlowintOp::Cmd::Add  ? current + operand
                                                        : current - operand;
      flow.pool->setInt(writable, id, result);
      continue;
    }
    if (op.cmd == FlowintOp::Cmd::IsSet || op.cmd == FlowintOp::Cmd::NotSet) {
      if (is_set != (op.cmd == FlowintOp::Cmd::IsSet)) return false;
      continue;
    }
    if (!is_set) return false;
    const int64_t v = pool->intValue(record, id);
    bool ok = false;
    switch (op.cmd) {
      case FlowintOp::Cmd::Eq: ok = v == operand; break;
      case FlowintOp::Cmd::Ne: ok = v != operand; break;
      case FlowintOp::Cmd::Lt: ok = v < operand; break;
      case FlowintOp::Cmd::Le: ok = v <= operand; break;
      case FlowintOp::Cmd::Gt: ok = v > operand; break;
      case FlowintOp::Cmd::Ge: ok = v >= operand; break;
      default: break;
    }
    if (!ok) return false;
  }
  return true;
}

void PacketInspector::applyFlowbits(const Signature& s, const FlowContext& flow) {
  if (!s.writes_flow_state || !flow.pool || !flow.state_handle) return;
  uint64_t* record = nullptr;
  for (size_t i = 0; i < s.rule.flowbits.size(); ++i) {
    const FlowbitOp::Cmd cmd = s.rule.flowbits[i].cmd;
    if (cmd == FlowbitOp::Cmd::IsSet || cmd == FlowbitOp::Cmd::IsNotSet) continue;
    if (!record) record = flow.pool->obtain(*flow.state_handle, flow.flow_id);
    if (!record) return;
    for (uint32_t id : s.flowbit_ids[i]) {
      bool on = cmd == FlowbitOp::Cmd::Set || (cmd == FlowbitOp::Cmd::Toggle && !FlowStatePool::bit(record, id));
      flow.pool->setBit(record, id, on);
    }
  }
}

namespace {
bool ipRepMatches(const IpRepTest& t, const DecodedPacket& pkt) {
  auto holds = [&](const IpAddress& a) {
    const auto score = t.table->score(a, t.category);
    switch (t.op) {
      case IpRepTest::Op::Lt: return score && *score < t.value;
      case IpRepTest::Op::Gt: return score && *score > t.value;
      case IpRepTest::Op::Eq: return score && *score == t.value;
      case IpRepTest::Op::IsSet: return score.has_value();
      case IpRepTest::Op::IsNotSet: return !score.has_value();
    }
    return false;
  };
  switch (t.side) {
    case IpRepTest::Side::Src: return holds(pkt.src);
    case IpRepTest::Side::Dst: return holds(pkt.dst);
    case IpRepTest::Side::Any: return holds(pkt.src) || holds(pkt.dst);
    case IpRepTest::Side::Both: return holds(pkt.src) && holds(pkt.dst);
  }
  return false;
}
}  // namespace

bool PacketInspector::flowSideMatches(const Signature& s, const DecodedPacket& pkt, const FlowContext& flow) {
  const Rule& rule = s.rule;
  if (!addressesMatch(rule, pkt, flow.to_server)) return false;
  if (!rule.engine_events.empty() && !eventsMatch(s, pkt)) return false;
  if (!s.app_proto.empty() && !appProtoKnownAs(flow.app_proto, s)) return false;
  if (s.protocol_detection_only && !flow.protocol_detected) return false;
  if (!appProtocolsMatch(rule.app_protocols, flow)) return false;
  if (!headerTestsMatch(rule.header, pkt)) return false;
  if (!std::all_of(rule.ipreps.begin(), rule.ipreps.end(), [&](const IpRepTest& t) { return ipRepMatches(t, pkt); })) {
    return false;
  }
  if (!flowMatches(rule.flow, pkt, flow)) return false;
  if (!rule.flowbits.empty()) {
    const uint64_t* record = flow.pool && flow.state_handle ? flow.pool->find(*flow.state_handle, flow.flow_id) : nullptr;
    if (!flowbitsMatch(s, record)) return false;
  }
  return xbitsMatch(s, pkt);
}

namespace {
// The host (other address unset) or the pair an xbit is kept on.
std::pair<IpAddress, IpAddress> xbitKey(const XbitOp& op, const DecodedPacket& pkt) {
  switch (op.track) {
    case XbitOp::Track::IpSrc: return {pkt.src, IpAddress{}};
    case XbitOp::Track::IpDst: return {pkt.dst, IpAddress{}};
    case XbitOp::Track::IpPair: break;
  }
  return {pkt.src, pkt.dst};
}
}  // namespace

bool PacketInspector::xbitsMatch(const Signature& s, const DecodedPacket& pkt) {
  for (size_t i = 0; i < s.rule.xbits.size(); ++i) {
    const XbitOp& op = s.rule.xbits[i];
    if (op.cmd != XbitOp::Cmd::IsSet && op.cmd != XbitOp::Cmd::IsNotSet) continue;
    const auto [a, b] = xbitKey(op, pkt);
    if (xbits_.isSet(s.xbit_ids[i], a, b, pkt.ts) != (op.cmd == XbitOp::Cmd::IsSet)) return false;
  }
  return true;
}

void PacketInspector::applyXbits(const Signature& s, const DecodedPacket& pkt) {
  for (size_t i = 0; i < s.rule.xbits.size(); ++i) {
    const XbitOp& op = s.rule.xbits[i];
    if (!op.modifies()) continue;
    const auto [a, b] = xbitKey(op, pkt);
    const uint32_t id = s.xbit_ids[i];
    if (op.cmd == XbitOp::Cmd::Unset || (op.cmd == XbitOp::Cmd::Toggle && xbits_.isSet(id, a, b, pkt.ts))) {
      xbits_.unset(id, a, b);
    } else {
      xbits_.set(id, a, b, pkt.ts + TimeUs{op.expire} * 1'000'000);
    }
  }
}

bool PacketInspector::headerBuffersMatch(const Rule& rule, const DecodedPacket& pkt) {
  for (const HeaderBufferMatch& h : rule.header_buffers) {
    const uint8_t* data = nullptr;
    size_t length = 0;
    if (!headerBuffer(pkt, h.buffer, data, length) || !payload_.matches(h.matches, rule.base64_data, data, length)) {
      return false;
    }
  }
  return true;
}

// On a stream, absolute positions (depth, offset, startswith) count from where the newly
// inspected data begins, as Suricata anchors them to each chunk it inspects (every IRC
// message of a connection, not only its first), and also from the stream's start, so that
// a match split over the connection's first segments is found once they are all in. A
// match lying wholly in bytes inspected before already alerted.
bool PacketInspector::payloadMatches(const Rule& rule, const InspectedBuffer& buffer) {
  auto matchesFrom = [&](int64_t origin) {
    if (!payload_.matches(rule.payload, rule.base64_data, buffer.data, buffer.length, origin)) return false;
    return !(buffer.stream && payload_.matchEnd() <= buffer.fresh_from &&
             payload_.matches(rule.payload, rule.base64_data, buffer.data, buffer.fresh_from, origin));
  };
  if (!buffer.stream) return payload_.matches(rule.payload, rule.base64_data, buffer.data, buffer.length);
  const int64_t chunk = static_cast<int64_t>(buffer.fresh_from);
  const int64_t stream_start = -static_cast<int64_t>(std::min<uint64_t>(buffer.stream_offset, INT64_MAX));
  if (matchesFrom(chunk)) return true;
  return stream_start != chunk && PayloadVerifier::anchored(rule.payload) && matchesFrom(stream_start);
}

bool PacketInspector::verify(const Signature& s, const DecodedPacket& pkt, const FlowContext& flow,
                             const InspectedBuffer& buffer) {
  const Rule& rule = s.rule;
  if (s.needs_payload && buffer.length == 0) return false;
  if (!flowSideMatches(s, pkt, flow)) return false;
  if (!payloadMatches(rule, buffer)) return false;
  if (!headerBuffersMatch(rule, pkt)) return false;
  if (!applyFlowints(s, flow)) return false;
  applyFlowbits(s, flow);
  applyXbits(s, pkt);
  return true;
}

// A buffer named by a rule matches when one of its instances does: a multi-valued
// buffer (dns.query, tls.certs, http.request_header) is inspected value by value, as
// Suricata does. Of a buffer both sides have, the side the rule names, else the phase's.
// One the phase does not provide matches only `absent` (and `absent: or_else`).
bool PacketInspector::appBufferMatches(const Rule& rule, const AppBufferMatch& m, std::span<const AppBuffer> buffers,
                                       bool to_server) {
  const BufferSide wanted =
      m.side != BufferSide::Unnamed ? m.side : to_server ? BufferSide::ToServer : BufferSide::ToClient;
  bool present = false;
  for (const AppBuffer& b : buffers) {
    if (b.id != m.buffer || (b.side != BufferSide::Unnamed && b.side != wanted)) continue;
    if (m.absence == AppBufferMatch::Absence::Absent) return false;
    present = true;
    const uint8_t* data = b.data;
    size_t length = b.length;
    if (!m.transforms.empty()) {
      if (!transforms_.apply(m.transforms, data, length)) continue;
      data = reinterpret_cast<const uint8_t*>(transforms_.result().data());
      length = transforms_.result().size();
    }
    if (!std::all_of(m.sizes.begin(), m.sizes.end(), [&](const NumericTest& t) { return t.matches(length); })) continue;
    if (payload_.matches(m.matches, rule.base64_data, data, length)) return true;
  }
  return !present && m.absence != AppBufferMatch::Absence::Present;
}

// A rule's payload keywords, if it mixes them with app buffers, look at the payload of
// the packet that completed the phase, as Suricata matches them on the packet it is
// inspecting when the transaction is.
bool PacketInspector::verifyApp(const Signature& s, const DecodedPacket& pkt, const FlowContext& flow,
                                std::span<const AppBuffer> buffers, const AppLayerEventSet& events) {
  const Rule& rule = s.rule;
  if (s.app_events_unraised || (s.app_events & ~events).any()) return false;
  if (!flowSideMatches(s, pkt, flow)) return false;
  if (file_ && !fileTestsMatch(rule.files, *file_)) return false;
  for (const AppValueTest& v : rule.app_values) {
    if (!appValueMatches(v, buffers, flow.to_server)) return false;
  }
  for (const AppBufferMatch& b : rule.app_buffers) {
    if (!appBufferMatches(rule, b, buffers, flow.to_server)) return false;
  }
  if (!rule.payload.empty() && !payload_.matches(rule.payload, rule.base64_data, pkt.payload, pkt.payload_len)) {
    return false;
  }
  if (!headerBuffersMatch(rule, pkt)) return false;
  if (!applyFlowints(s, flow)) return false;
  applyFlowbits(s, flow);
  applyXbits(s, pkt);
  if (file_ && rule.files.store && storesDirection(rule, *rule.files.store, file_->dir)) store_file_ = true;
  return true;
}

bool PacketInspector::leftDownstream(const Signature& s) const {
  return decides_ == Thresholds::SpanningDownstream && s.thresholds->spans_address_pairs;
}

bool PacketInspector::thresholdAllows(const Signature& s, const DecodedPacket& pkt, uint64_t flow_id) {
  if (!s.thresholds || leftDownstream(s)) return true;
  if (thresholds_.allow(*s.thresholds, ThresholdSubject{pkt.src, pkt.dst, pkt.sport, pkt.dport, pkt.ts, flow_id})) {
    return true;
  }
  ++counters_.alerts_suppressed;
  return false;
}

void PacketInspector::inspect(const DecodedPacket& pkt, const FlowContext& flow, AlertSink& sink) {
  // A frame that is not IP meets the rules on frames and on its events.
  if (pkt.ip_version == 0) return inspectUnprefiltered(pkt, flow, database_->frameSignatures(), sink);
  ++counters_.packets_inspected;
  detect(pkt, flow, {pkt.payload, pkt.payload_len, false, 0, 0}, sink);
}

void PacketInspector::inspectEvents(const DecodedPacket& pkt, const FlowContext& flow, AlertSink& sink) {
  inspectUnprefiltered(pkt, flow, {}, sink);
}

void PacketInspector::inspectUnprefiltered(const DecodedPacket& pkt, const FlowContext& flow,
                                           std::span<const uint32_t> others, AlertSink& sink) {
  const std::span<const uint32_t> on_events =
      pkt.events.any() ? database_->eventSignatures() : std::span<const uint32_t>{};
  if (on_events.empty() && others.empty()) return;
  ++counters_.packets_inspected;
  candidates_.clear();
  matched_.clear();
  bool pass = false;
  const InspectedBuffer buffer{pkt.payload, pkt.payload_len, false, 0, 0};
  auto verifyHere = [&](const Signature& s) { return verify(s, pkt, flow, buffer); };
  for (bool writers : {true, false}) {
    for (uint32_t index : on_events) check(index, writers, pkt, flow, verifyHere, pass);
    for (uint32_t index : others) check(index, writers, pkt, flow, verifyHere, pass);
  }
  if (!pass) emitAlerts(pkt, flow, sink);
}

void PacketInspector::inspectStream(const DecodedPacket& pkt, const FlowContext& flow, const uint8_t* data,
                                    size_t length, uint64_t stream_offset, size_t fresh_from, AlertSink& sink) {
  detect(pkt, flow, {data, length, true, stream_offset, fresh_from}, sink);
}

void PacketInspector::detect(const DecodedPacket& pkt, const FlowContext& flow, const InspectedBuffer& buffer,
                             AlertSink& sink) {
  candidates_.clear();
  matched_.clear();

  // Stream signatures see a TCP flow's payload on its stream only; the others on packets.
  const bool stream_elsewhere = !buffer.stream && flow.stream_inspected && pkt.proto == 6;
  const uint8_t src_class = database_->addressClass(pkt.src), dst_class = database_->addressClass(pkt.dst);
  SignatureDatabase::Candidates kinds[2];
  size_t kind_count = 0;
  for (bool stream : {false, true}) {
    if (buffer.stream ? !stream : stream && stream_elsewhere) continue;
    const auto& c = kinds[kind_count++] = database_->candidatesFor(stream, pkt, flow.to_server, src_class, dst_class);
    scan(c.patterns, buffer);
    counters_.candidates += c.unprefiltered.size() + c.by_source.size() + c.by_destination.size();
  }
  counters_.candidates += candidates_.size();

  bool pass = false;
  auto verifyHere = [&](const Signature& s) { return verify(s, pkt, flow, buffer); };
  // Rules on events see the packet that carries them, not the stream it adds to.
  const std::span<const uint32_t> on_events =
      !buffer.stream && pkt.events.any() ? database_->eventSignatures() : std::span<const uint32_t>{};
  for (bool writers : {true, false}) {
    for (uint32_t index : candidates_) check(index, writers, pkt, flow, verifyHere, pass);
    for (uint32_t index : on_events) check(index, writers, pkt, flow, verifyHere, pass);
    for (size_t k = 0; k < kind_count; ++k) {
      const SignatureDatabase::Candidates& c = kinds[k];
      for (uint32_t index : c.unprefiltered) check(index, writers, pkt, flow, verifyHere, pass);
      for (uint32_t index : c.by_source) check(index, writers, pkt, flow, verifyHere, pass);
      for (uint32_t index : c.by_destination) {
        // A rule listing both addresses is checked once.
        if (std::find(c.by_source.begin(), c.by_source.end(), index) == c.by_source.end()) {
          check(index, writers, pkt, flow, verifyHere, pass);
        }
      }
    }
  }
  // A matching pass rule silences the packet. Suricata extends this to the rest of the
  // flow; that needs flow state and comes with it.
  if (!pass) emitAlerts(pkt, flow, sink);
}

// Rules that write flow state go first, so that rules reading it on this packet see the
// writes, as Suricata orders flowbits setters before their readers.
template <typename Verify>
void PacketInspector::check(uint32_t index, bool writers, const DecodedPacket& pkt, const FlowContext& flow,
                            Verify&& verify, bool& pass) {
  const Signature& s = database_->signature(index);
  if (s.writes_flow_state != writers) return;
  if (!verify(s)) return;
  if (s.rule.action == RuleAction::Pass) pass = true;
  if (!s.rule.noalert && thresholdAllows(s, pkt, flow.flow_id)) matched_.push_back(index);
}

void PacketInspector::inspectApp(const DecodedPacket& pkt, const FlowContext& flow, AppPhase phase,
                                 std::span<const AppBuffer> buffers, AlertSink& sink, const AppLayerEventSet& events,
                                 bool values_only) {
  if (pkt.ip_version == 0) return;
  candidates_.clear();
  matched_.clear();
  // The other side's instances are there for '=>' rules, which take no fast pattern there.
  const BufferSide own = flow.to_server ? BufferSide::ToServer : BufferSide::ToClient;
  for (const AppBuffer& b : buffers) {
    if (b.side != BufferSide::Unnamed && b.side != own) continue;
    scan(database_->appPatterns(phase, b.id), {b.data, b.length, false, 0, 0});
  }
  // A pattern found in two instances of a buffer makes one candidate.
  std::sort(candidates_.begin(), candidates_.end());
  candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
  const std::span<const uint32_t> unprefiltered = database_->appUnprefiltered(phase);
  counters_.candidates += candidates_.size() + unprefiltered.size();

  bool pass = false;
  auto verifyHere = [&](const Signature& s) {
    return !(values_only && !s.rule.app_buffers.empty()) && verifyApp(s, pkt, flow, buffers, events);
  };
  for (bool writers : {true, false}) {
    for (uint32_t index : candidates_) check(index, writers, pkt, flow, verifyHere, pass);
    for (uint32_t index : unprefiltered) check(index, writers, pkt, flow, verifyHere, pass);
  }
  if (!pass) emitAlerts(pkt, flow, sink);
}

void PacketInspector::inspectAppEvents(const DecodedPacket& pkt, const FlowContext& flow,
                                       const AppLayerEventSet& events, const AppLayerEventSet& fresh,
                                       AlertSink& sink) {
  if (pkt.ip_version == 0 || fresh.none()) return;
  matched_.clear();
  const std::span<const uint32_t> rules = database_->appEventRules();
  counters_.candidates += rules.size();
  bool pass = false;
  auto verifyHere = [&](const Signature& s) {
    return (s.app_events & fresh).any() && verifyApp(s, pkt, flow, {}, events);
  };
  for (bool writers : {true, false}) {
    for (uint32_t index : rules) check(index, writers, pkt, flow, verifyHere, pass);
  }
  if (!pass) emitAlerts(pkt, flow, sink);
}

bool PacketInspector::inspectFile(const DecodedPacket& pkt, const FlowContext& flow, std::span<const AppBuffer> buffers,
                                  const TrackedFile& file, AlertSink& sink) {
  file_ = &file;
  store_file_ = false;
  inspectApp(pkt, flow, AppPhase::File, buffers, sink);
  file_ = nullptr;
  return store_file_;
}

void PacketInspector::emitAlerts(const DecodedPacket& pkt, const FlowContext& flow, AlertSink& sink) {
  if (matched_.empty()) return;
  std::sort(matched_.begin(), matched_.end());
  alert_.ts = pkt.ts;
  alert_.flow_id = flow.flow_id;
  alert_.src_ip = pkt.src;
  alert_.dest_ip = pkt.dst;
  alert_.src_port = pkt.sport;
  alert_.dest_port = pkt.dport;
  alert_.proto = pkt.proto;
  alert_.vlan[0] = pkt.vlan[0];
  alert_.vlan[1] = pkt.vlan[1];
  alert_.vlan_count = pkt.vlan_count;
  alert_.to_server = flow.to_server;
  alert_.app_proto = flow.app_proto;
  for (uint32_t index : matched_) {
    const Signature& s = database_->signature(index);
    const Rule& rule = s.rule;
    alert_.gid = rule.gid;
    alert_.sid = rule.sid;
    alert_.rev = rule.rev;
    alert_.signature = rule.msg;
    alert_.category = rule.category;
    alert_.severity = rule.priority;
    alert_.metadata = rule.metadata_pairs;
    const bool undecided = s.thresholds && leftDownstream(s);
    alert_.undecided_thresholds = undecided ? s.thresholds : nullptr;
    if (!undecided) ++counters_.alerts;
    sink.onAlert(alert_);
  }
}

}  // namespace mamori
