#pragma once
// The compile-time side of detection: rules turned into what a worker needs to inspect
// packets, built once per rule set and shared read-only by every worker thread.
//
// Each rule with a positive content contributes its fast pattern (the content marked
// `fast_pattern`, else its longest positive content; a `fast_pattern:o,l` slice of it)
// to the Hyperscan literal databases of its signature groups (SignatureGroups), of stream
// or of packet signatures; a Hyperscan match only makes the rule a candidate, which
// PacketInspector then verifies completely. Rules without a positive content are listed
// per signature group and verified on every packet of it, or, when one of their address
// sides is a short list, found through an AddressIndex.
//
// Rules whose only app-layer keywords are app-layer-event are in no group either: they are
// verified on the records that raise events.
//
// Rules with app-layer buffers are in no signature group: they are evaluated once per
// transaction phase (app_buffers.h). Their fast pattern is chosen over all their
// positive contents, payload and buffers alike; one lying in an app buffer goes to the
// database of that (phase, buffer), the others (all contents negated, fast pattern in
// the payload or hidden by a transform) to the phase's unprefiltered list.
#include <cstdint>
#include <array>
#include <bitset>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "applayer/app_layer_event.h"
#include "detect/address_classes.h"
#include "detect/app_buffers.h"
#include "detect/address_index.h"
#include "detect/hs_database_cache.h"
#include "detect/rule_thresholds.h"
#include "detect/signature_groups.h"
#include "capture/packet.h"
#include "rules/protocol_buffers.h"
#include "rules/rule.h"
#include "rules/rule_error.h"

struct hs_database;

namespace mamori {

struct Signature {
  // Nocase contents are lower-cased here, once, so the verifier compares one side only.
  Rule rule;
  int fast_pattern = -1;  // index into its chain; -1 when the rule has no positive content
  int fast_pattern_buffer = -1;  // the chain: -1 rule.payload, else an index into rule.app_buffers
  // A fast pattern in a buffer transformed only by dotprefix, to_lowercase or
  // to_uppercase is still in the buffer as the app layer hands it in: without its
  // leading '.' (skip), caselessly. False when other transforms hide it from that scan.
  bool fast_pattern_untransformed = true;
  bool fast_pattern_caseless = false;
  uint8_t fast_pattern_skip = 0;
  // Payload keywords look at a payload, and an app-layer rule at app-layer data: neither
  // matches a packet without payload, as in Suricata.
  bool needs_payload = false;
  // Rule-set-wide ids of the rule's flowbits (per FlowbitOp, per name) and flowints
  // (per FlowintOp: the variable, and the operand variable or -1).
  std::vector<std::vector<uint32_t>> flowbit_ids;
  std::vector<std::pair<int, int>> flowint_ids;
  std::vector<uint32_t> xbit_ids;  // per XbitOp
  // Verified before rules that only read flow state, so that a bit set by one rule is
  // seen by another on the same packet, as Suricata orders them.
  bool writes_flow_state = false;
  std::shared_ptr<const RuleThresholds> thresholds;  // null: the rule has neither threshold nor detection_filter
  // On TCP, matched on the reassembled stream instead of each packet: a rule with payload
  // keywords, unless it is about packets (tcp-pkt, dsize, flow:no_stream, header buffers).
  bool stream = false;
  // Evaluated by PacketInspector::inspectApp in this phase, not on packets or streams.
  std::optional<AppPhase> app_phase;
  std::optional<AppPhase> app_server_phase;  // and in this one as well (appServerPhaseToo)
  // app-layer-event: the events the rule needs raised; unraised when it names one mamori's
  // parsers never raise (the rule cannot match). A rule with events and no app buffers is
  // an event rule, evaluated on the records that raise events (inspectAppEvents).
  AppLayerEventSet app_events;
  bool app_events_unraised = false;
  bool app_event_rule = false;
  // decode-event / stream-event: the decoder events the packet must carry. A rule naming
  // an event mamori does not raise (never_raised) loads and never matches.
  std::vector<DecodeEvent> events;
  bool never_raised = false;
  // The header's app-layer protocol as FlowContext::app_proto names it ("http" for
  // http1); empty when the header names a transport.
  std::string app_proto;
  // Other protocols whose flows the header's protocol covers (dcerpc: smb, whose named
  // pipes carry DCE/RPC), space-separated.
  std::string_view app_proto_also;
  // Suricata's "PD-only" rule: app-layer-protocol tests and nothing that looks at a
  // packet, stream or transaction (only flow direction, flowbits set, metadata besides).
  // Such a rule is about the verdict, so it is tried only on the packet of each direction
  // where the flow's protocol was identified or changed (FlowContext::protocol_detected),
  // not on every packet after.
  bool protocol_detection_only = false;

  // The bytes the fast pattern puts into the prefilter; only when fast_pattern >= 0.
  std::string_view fastPatternBytes() const;
  bool fastPatternNocase() const;
};

class SignatureDatabase {
 public:
  // Rules whose fast pattern Hyperscan refuses are left out with an error naming their
  // sid; the rest load. nullptr only when the database cannot be built at all (error
  // with sid 0). With a cache, compiled pattern databases are looked up there first and
  // stored after compiling, so an unchanged rule set skips Hyperscan's compiler.
  static std::shared_ptr<const SignatureDatabase> build(std::vector<Rule> rules,
                                                        std::vector<RuleError>& errors,
                                                        const HsDatabaseCache* cache = nullptr);
  ~SignatureDatabase();
  SignatureDatabase(const SignatureDatabase&) = delete;
  SignatureDatabase& operator=(const SignatureDatabase&) = delete;

  size_t size() const { return signatures_.size(); }
  const Signature& signature(uint32_t index) const { return signatures_[index]; }

  // The rules of one buffer kind (packet payloads, or the reassembled stream) that a
  // packet's buffer is matched against: its signature group's pattern database (Hyperscan
  // ids are signature indexes) and content-less rules, chosen by the packet's protocol,
  // direction, server port and address classes; and the content-less rules listing one
  // of its addresses (AddressIndex).
  struct Candidates {
    const hs_database* patterns;
    std::span<const uint32_t> unprefiltered, by_source, by_destination;
  };
  uint8_t addressClass(const IpAddress& address) const { return address_classes_.classOf(address); }
  Candidates candidatesFor(bool stream, const DecodedPacket& pkt, bool to_server, uint8_t src_class,
                           uint8_t dst_class) const {
    const Kind& kind = kinds_[stream];
    const SignatureGroups::Head head = kind.groups.headFor(pkt.proto, to_server, pkt.sport, pkt.dport, src_class, dst_class);
    if (kind.by_address.empty()) return {head.patterns, head.unprefiltered, {}, {}};
    return {head.patterns, head.unprefiltered, kind.by_address.rulesFor(pkt.src), kind.by_address.rulesFor(pkt.dst)};
  }
  const SignatureGroups& groups(bool stream) const { return kinds_[stream].groups; }

  // The app-buffer rules of one phase: per buffer id the database of the fast patterns
  // lying in that buffer (nullptr none), and the rules verified in every transaction.
  const hs_database* appPatterns(AppPhase phase, AppBufferId id) const {
    const int32_t db = app_databases_[static_cast<size_t>(phase)][static_cast<size_t>(id)];
    return db < 0 ? nullptr : app_compiled_[db];
  }
  // The rules on decoder and stream events, in no group: verified on the packets that
  // carry an event, and only on those.
  std::span<const uint32_t> eventSignatures() const { return event_signatures_; }
  // The rules that can match a frame that is not IP (pkthdr, ether, arp), verified on
  // each such frame; those of them that can match IP packets are in their groups too.
  std::span<const uint32_t> frameSignatures() const { return frame_signatures_; }
  std::span<const uint32_t> appUnprefiltered(AppPhase phase) const { return app_unprefiltered_[static_cast<size_t>(phase)]; }
  std::span<const uint32_t> appEventRules() const { return app_event_rules_; }
  // Whether some rule inspects frames of this type (applayer/app_frame.h).
  bool inspectsFrame(uint8_t type) const { return type < frame_types_.size() && frame_types_.test(type); }
  const std::vector<hs_database*>& appDatabases() const { return app_compiled_; }
  size_t patternCount() const { return pattern_count_; }

  // What a worker sizes its per-flow and per-match state by.
  size_t flowbitCount() const { return flowbit_count_; }
  // Whether any rule is protocol_detection_only: only then is the packet where a flow's
  // protocol was detected worth telling apart.
  bool hasProtocolDetectionOnly() const { return protocol_detection_only_; }
  size_t xbitCount() const { return xbit_count_; }
  size_t flowintCount() const { return flowint_count_; }
  uint32_t maxRegexCaptures() const { return max_regex_captures_; }
  size_t maxVariables() const { return max_variables_; }
  size_t thresholdCount() const { return threshold_count_; }
  // The longest content any stream rule looks for: how much of the stream before a new
  // segment must be kept so that a content split across segments is still seen whole.
  size_t streamLookback() const { return stream_lookback_; }

 private:
  SignatureDatabase() = default;
  void assignIds();
  // The side a signature is found by in the address index; nullptr when it is grouped.
  static const AddressMatcher* addressIndexed(const Signature& s);

  std::vector<Signature> signatures_;
  AddressClasses address_classes_;
  // Content-less rules whose source or destination is a short address list (IP
  // reputation rules: botcc, ciarmy, tor, ...) are in by_address, by the addresses of
  // that list, and in no group.
  struct Kind {
    SignatureGroups groups;
    AddressIndex by_address;
  };
  Kind kinds_[2];  // packet signatures, stream signatures
  std::array<std::array<int32_t, kAppBufferIdCount>, kAppPhaseCount> app_databases_{};  // index into app_compiled_
  std::vector<hs_database*> app_compiled_;
  std::array<std::vector<uint32_t>, kAppPhaseCount> app_unprefiltered_;
  std::vector<uint32_t> app_event_rules_;
  std::bitset<kAppFrameTypeCount> frame_types_;
  std::vector<uint32_t> event_signatures_, frame_signatures_;
  bool buildAppDatabases(const HsDatabaseCache* cache, SignatureGroups::Refusal& refusal);
  size_t pattern_count_ = 0;
  size_t flowbit_count_ = 0, flowint_count_ = 0, xbit_count_ = 0, max_variables_ = 0, threshold_count_ = 0;
  size_t stream_lookback_ = 0;
  bool protocol_detection_only_ = false;
  uint32_t max_regex_captures_ = 0;
};

}  // namespace mamori
