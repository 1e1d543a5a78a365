#include "detect/signature_database.h"

#include "detect/literal_databases.h"
#include "rules/protocol_buffers.h"


#include <hs/hs.h>

#include <algorithm>
#include <unordered_map>

namespace mamori {
namespace {

bool testsHeader(const HeaderTests& h) {
  return h.ttl || h.ip_proto || h.itype || h.icode || h.icmp_id || h.icmp_seq || h.seq || h.ack || h.window ||
         h.dsize || h.fragoffset || h.icmpv6_mtu || h.tcp_mss || h.flags || h.fragbits || h.sameip;
}

// Suricata's SignatureIsPDOnly: no app-layer protocol in the header, no payload, buffer or
// packet-header test, and besides app-layer-protocol only what an IP-only rule may have:
// flow's direction, flowbits that set, iprep.
bool isProtocolDetectionOnly(const Rule& rule) {
  if (rule.app_protocols.empty() || rule.protocol.app_layer) return false;
  if (!rule.payload.empty() || !rule.header_buffers.empty() || !rule.app_buffers.empty() ||
      !rule.base64_data.empty() || !rule.app_values.empty() || !rule.app_events.empty() || rule.files.any() ||
      !rule.engine_events.empty() || !rule.flowints.empty() || !rule.xbits.empty() || testsHeader(rule.header)) {
    return false;
  }
  const FlowTests& f = rule.flow;
  if (f.established || f.not_established || f.stateless || f.only_stream || f.no_stream || f.only_frag ||
      f.no_frag || f.packets || f.bytes || !f.stream_size.empty() || f.age) {
    return false;
  }
  return std::all_of(rule.flowbits.begin(), rule.flowbits.end(),
                     [](const FlowbitOp& op) { return op.cmd == FlowbitOp::Cmd::Set; });
}

void lowerCase(std::string& bytes) {
  for (char& c : bytes) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  }
}

// Every chain of payload keywords of a rule: the payload's, each header buffer's, each
// app buffer's and base64_data's.
template <typename RuleRef, typename F>
void forEachMatch(RuleRef& rule, F&& f) {
  for (auto& m : rule.payload) f(m);
  for (auto& h : rule.header_buffers) {
    for (auto& m : h.matches) f(m);
  }
  for (auto& a : rule.app_buffers) {
    for (auto& m : a.matches) f(m);
  }
  for (auto& m : rule.base64_data) f(m);
}

// A decode-event rule's name ("decoder.ipv6.trunc_pkt") as the decoder raises it; none for
// the events it does not raise, and for every stream event until the stream engine raises
// them.
std::optional<DecodeEvent> decodeEventNamed(std::string_view name) {
  constexpr std::string_view kDecoder = "decoder.";
  if (!name.starts_with(kDecoder)) return std::nullopt;
  name.remove_prefix(kDecoder.size());
  for (size_t i = 0; i < kDecodeEventCount; ++i) {
    if (name == decodeEventName(static_cast<DecodeEvent>(i))) return static_cast<DecodeEvent>(i);
  }
  return std::nullopt;
}

Signature makeSignature(Rule rule, std::optional<AppPhase> app_phase) {
  Signature s;
  const bool app = app_phase.has_value();
  forEachMatch(rule, [](PayloadMatch& m) {
    if (auto* c = std::get_if<ContentMatch>(&m); c && c->nocase) lowerCase(c->bytes);
  });
  // Payload and app-buffer contents feed the prefilter; header buffers are small and
  // verified.
  size_t best_length = 0;
  bool explicit_choice = false;
  auto consider = [&](const std::vector<PayloadMatch>& chain, int buffer) {
    for (size_t i = 0; i < chain.size(); ++i) {
      auto* c = std::get_if<ContentMatch>(&chain[i]);
      if (!c || c->negated || explicit_choice) continue;
      // `fast_pattern` wins; otherwise longest, the earlier on a tie, so the choice is
      // stable across loads.
      if (c->fast_pattern || c->bytes.size() > best_length) {
        s.fast_pattern = static_cast<int>(i);
        s.fast_pattern_buffer = buffer;
        best_length = c->bytes.size();
        explicit_choice = c->fast_pattern;
      }
    }
  };
  consider(rule.payload, -1);
  // Not base64_data's, which the prefilter never sees, nor those of a buffer that may be
  // absent (absent: or_else), which the rule does not need; nor a '=>' rule's request
  // side of a buffer both sides have, handed in with the response but not scanned there
  // (PacketInspector::inspectApp).
  for (size_t b = 0; b < rule.app_buffers.size(); ++b) {
    const AppBufferMatch& m = rule.app_buffers[b];
    if (m.side == BufferSide::ToServer && rule.direction == RuleDirection::Transactional) continue;
    if (m.absence == AppBufferMatch::Absence::Present) consider(m.matches, static_cast<int>(b));
  }
  if (s.fast_pattern_buffer >= 0) {
    const AppBufferMatch& buffer = rule.app_buffers[s.fast_pattern_buffer];
    const auto& c = std::get<ContentMatch>(buffer.matches[s.fast_pattern]);
    for (const Transform& t : buffer.transforms) {
      if (t.kind == Transform::Kind::ToLowercase || t.kind == Transform::Kind::ToUppercase) {
        s.fast_pattern_caseless = true;
      } else if (t.kind == Transform::Kind::DotPrefix) {
        // Only a pattern starting the transformed buffer can hold the added '.'.
        if (c.chop_offset == 0 && c.bytes.front() == '.') s.fast_pattern_skip = 1;
      } else {
        s.fast_pattern_untransformed = false;
      }
    }
    const size_t length = c.chop_length ? c.chop_length : c.bytes.size();
    if (length <= s.fast_pattern_skip) s.fast_pattern_untransformed = false;
  }
  s.app_phase = app_phase;
  if (app_phase) s.app_server_phase = appServerPhaseToo(rule);
  for (const AppEventTest& e : rule.app_events) {
    if (const std::optional<AppLayerEvent> raised = findAppLayerEvent(e.protocol, e.name)) {
      raise(s.app_events, *raised);
    } else {
      s.app_events_unraised = true;
    }
  }
  s.app_event_rule = !rule.app_events.empty() && !app;
  if (rule.protocol.app_layer) {
    s.app_proto = canonicalAppProto(rule.protocol.name);
    s.app_proto_also = protocolAlsoIn(s.app_proto);
  }
  s.needs_payload = !rule.payload.empty() || (rule.protocol.app_layer && !app);
  s.protocol_detection_only = isProtocolDetectionOnly(rule);
  for (const FlowbitOp& op : rule.flowbits) {
    s.writes_flow_state |= op.cmd == FlowbitOp::Cmd::Set || op.cmd == FlowbitOp::Cmd::Unset ||
                           op.cmd == FlowbitOp::Cmd::Toggle;
  }
  for (const FlowintOp& op : rule.flowints) s.writes_flow_state |= op.modifies();
  for (const XbitOp& op : rule.xbits) s.writes_flow_state |= op.modifies();
  for (const std::string& name : rule.engine_events) {
    const std::optional<DecodeEvent> event = decodeEventNamed(name);
    if (event) s.events.push_back(*event);
    else s.never_raised = true;
  }
  // Events are raised on packets, so a rule on them is about packets.
  s.stream = !app && rule.engine_events.empty() && rule.protocol.ip_protocols.test(6) && !rule.payload.empty() &&
             rule.header_buffers.empty() && !rule.header.dsize && !rule.flow.no_stream && rule.protocol.name != "tcp-pkt";
  s.rule = std::move(rule);
  return s;
}

// Few enough addresses that traffic rarely touches them: at most a /16 worth of IPv4 and
// a /64 worth of IPv6. $HOME_NET (RFC 1918) and "any" are far larger.
bool isShortList(const AddressMatcher& side) {
  return !side.isAny() && side.v4().size() <= (uint32_t{1} << 16) &&
         side.v6().size() <= (AddressMatcher::V6{1} << 64);
}

}  // namespace

namespace {
const ContentMatch& fastPatternContent(const Signature& s) {
  const auto& chain = s.fast_pattern_buffer < 0 ? s.rule.payload : s.rule.app_buffers[s.fast_pattern_buffer].matches;
  return std::get<ContentMatch>(chain[s.fast_pattern]);
}
}  // namespace

std::string_view Signature::fastPatternBytes() const {
  const ContentMatch& c = fastPatternContent(*this);
  std::string_view bytes = c.bytes;
  if (c.chop_length) bytes = bytes.substr(c.chop_offset, c.chop_length);
  return bytes.substr(fast_pattern_skip);
}

bool Signature::fastPatternNocase() const { return fastPatternContent(*this).nocase || fast_pattern_caseless; }

SignatureDatabase::~SignatureDatabase() {
  for (hs_database* db : app_compiled_) hs_free_database(db);
}

bool SignatureDatabase::buildAppDatabases(const HsDatabaseCache* cache, SignatureGroups::Refusal& refusal) {
  for (hs_database* db : app_compiled_) hs_free_database(db);
  app_compiled_.clear();
  std::vector<std::vector<uint32_t>> cells;
  for (auto& phase : app_databases_) phase.fill(-1);
  for (auto& list : app_unprefiltered_) list.clear();
  frame_types_.reset();
  for (uint32_t i = 0; i < signatures_.size(); ++i) {
    const Signature& s = signatures_[i];
    if (!s.app_phase) continue;
    for (const AppBufferMatch& b : s.rule.app_buffers) {
      if (const std::optional<uint8_t> frame = appFrameOf(b.buffer)) frame_types_.set(*frame);
    }
    const AppPhase phases[2] = {*s.app_phase, s.app_server_phase.value_or(*s.app_phase)};
    const size_t count = phases[1] != phases[0] ? 2 : 1;
    for (size_t k = 0; k < count; ++k) {
      const size_t phase = static_cast<size_t>(phases[k]);
      // Databases scan the buffers as the app layer hands them in.
      const bool prefiltered = s.fast_pattern >= 0 && s.fast_pattern_buffer >= 0 && s.fast_pattern_untransformed;
      if (!prefiltered) {
        app_unprefiltered_[phase].push_back(i);
        continue;
      }
      int32_t& cell = app_databases_[phase][static_cast<size_t>(s.rule.app_buffers[s.fast_pattern_buffer].buffer)];
      if (cell < 0) {
        cell = static_cast<int32_t>(cells.size());
        cells.emplace_back();
      }
      cells[cell].push_back(i);
    }
  }
  std::vector<const std::vector<uint32_t>*> pending;
  for (const auto& cell : cells) pending.push_back(&cell);
  app_compiled_ = compileLiteralDatabases(signatures_, pending, cache, refusal);
  return app_compiled_.size() == pending.size();
}

void SignatureDatabase::assignIds() {
  std::unordered_map<std::string, uint32_t> flowbits, flowints, xbits;
  auto id = [](std::unordered_map<std::string, uint32_t>& ids, const std::string& name) {
    return ids.try_emplace(name, static_cast<uint32_t>(ids.size())).first->second;
  };
  for (Signature& s : signatures_) {
    for (const FlowbitOp& op : s.rule.flowbits) {
      std::vector<uint32_t>& ids = s.flowbit_ids.emplace_back();
      for (const std::string& name : op.names) ids.push_back(id(flowbits, name));
    }
    for (const FlowintOp& op : s.rule.flowints) {
      s.flowint_ids.emplace_back(id(flowints, op.name),
                                 op.value_name.empty() ? -1 : static_cast<int>(id(flowints, op.value_name)));
    }
    for (const XbitOp& op : s.rule.xbits) s.xbit_ids.push_back(id(xbits, op.name));
    if (s.rule.threshold || s.rule.detection_filter) {
      s.thresholds = std::make_shared<const RuleThresholds>(s.rule);
      ++threshold_count_;
    }
    if (s.stream) {
      for (const PayloadMatch& m : s.rule.payload) {
        if (const auto* c = std::get_if<ContentMatch>(&m)) stream_lookback_ = std::max(stream_lookback_, c->bytes.size());
      }
    }
    max_variables_ = std::max(max_variables_, s.rule.variables.size());
    forEachMatch(s.rule, [&](const PayloadMatch& m) {
      if (const auto* pcre = std::get_if<PcreMatch>(&m)) {
        max_regex_captures_ = std::max(max_regex_captures_, pcre->regex->captureCount());
      }
    });
  }
  flowbit_count_ = flowbits.size();
  protocol_detection_only_ = std::any_of(signatures_.begin(), signatures_.end(),
                                         [](const Signature& s) { return s.protocol_detection_only; });
  flowint_count_ = flowints.size();
  xbit_count_ = xbits.size();
}

std::shared_ptr<const SignatureDatabase> SignatureDatabase::build(std::vector<Rule> rules,
                                                                  std::vector<RuleError>& errors,
                                                                  const HsDatabaseCache* cache) {
  std::shared_ptr<SignatureDatabase> db(new SignatureDatabase());
  db->signatures_.reserve(rules.size());
  for (Rule& rule : rules) {
    std::string error;
    const std::optional<AppPhase> phase = appPhaseOf(rule, error);
    if (!error.empty()) {
      errors.push_back({rule.file, rule.line, 1, rule.sid, error});
      continue;
    }
    db->signatures_.push_back(makeSignature(std::move(rule), phase));
  }

  // A literal Hyperscan refuses is reported against its rule, which is dropped, and the
  // databases are compiled again without it: one bad rule must not cost the rule set.
  for (;;) {
    std::vector<uint32_t> members[2];  // of the packet and of the stream groups
    std::vector<const AddressMatcher*> sides;
    for (uint32_t i = 0; i < db->signatures_.size(); ++i) {
      const Signature& s = db->signatures_[i];
      if (s.app_phase || s.app_event_rule || !s.rule.engine_events.empty() || db->addressIndexed(s)) continue;
      members[s.stream].push_back(i);
      sides.push_back(&s.rule.source);
      sides.push_back(&s.rule.destination);
    }
    db->address_classes_ = AddressClasses(sides);
    SignatureGroups::Refusal refusal;
    if (db->kinds_[0].groups.build(db->signatures_, members[0], db->address_classes_, cache, refusal) &&
        db->kinds_[1].groups.build(db->signatures_, members[1], db->address_classes_, cache, refusal) &&
        db->buildAppDatabases(cache, refusal)) {
      break;
    }
    if (refusal.signature < 0) {
      errors.push_back({"", 0, 0, 0, "cannot build the pattern database: " + refusal.message});
      return nullptr;
    }
    auto bad = db->signatures_.begin() + refusal.signature;
    errors.push_back({bad->rule.file, bad->rule.line, 1, bad->rule.sid,
                      "fast pattern refused by Hyperscan: " + refusal.message});
    db->signatures_.erase(bad);
  }
  for (uint32_t i = 0; i < db->signatures_.size(); ++i) {
    const Signature& s = db->signatures_[i];
    if (s.app_event_rule) db->app_event_rules_.push_back(i);
    if (!s.rule.engine_events.empty()) {
      db->event_signatures_.push_back(i);
      continue;
    }
    if (s.rule.protocol.seesFrames() && !s.app_phase && !s.app_event_rule) db->frame_signatures_.push_back(i);
    db->pattern_count_ += s.fast_pattern >= 0;
    if (const AddressMatcher* key = db->addressIndexed(s)) db->kinds_[s.stream].by_address.add(i, *key);
  }
  for (Kind& kind : db->kinds_) kind.by_address.build();
  db->assignIds();
  return db;
}

const AddressMatcher* SignatureDatabase::addressIndexed(const Signature& s) {
  if (s.fast_pattern >= 0 || s.app_phase || s.app_event_rule) return nullptr;
  const AddressMatcher* key = nullptr;
  for (const AddressMatcher* side : {&s.rule.source, &s.rule.destination}) {
    if (isShortList(*side)) key = side;
  }
  return key;
}

}  // namespace mamori
