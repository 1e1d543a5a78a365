#pragma once
// The compile-time side of detection: rules turned into what a worker needs to inspect
// packets, built once per rule set and shared read-only by every worker thread.
//
// Each rule with a positive content contributes its fast pattern (the content marked
// `fast_pattern`, else its longest positive content; a `fast_pattern:o,l` slice of it)
// to a Hyperscan block-mode literal database, of stream or of packet signatures; a
// Hyperscan match only makes the rule a candidate, which PacketInspector then verifies
// completely. Rules without a positive
// content are listed per IP protocol and verified on every packet of it.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "detect/address_index.h"
#include "detect/hs_database_cache.h"
#include "rules/rule.h"
#include "rules/rule_error.h"

struct hs_database;

namespace mamori {

struct Signature {
  // Nocase contents are lower-cased here, once, so the verifier compares one side only.
  Rule rule;
  int fast_pattern = -1;  // index into rule.payload; -1 when the rule has no positive content
  // Payload keywords look at a payload, and an app-layer rule at app-layer data: neither
  // matches a packet without payload, as in Suricata.
  bool needs_payload = false;
  // Rule-set-wide ids of the rule's flowbits (per FlowbitOp, per name) and flowints
  // (per FlowintOp: the variable, and the operand variable or -1).
  std::vector<std::vector<uint32_t>> flowbit_ids;
  std::vector<std::pair<int, int>> flowint_ids;
  // Verified before rules that only read flow state, so that a bit set by one rule is
  // seen by another on the same packet, as Suricata orders them.
  bool writes_flow_state = false;
  int threshold_id = -1;  // index of the rule's threshold / detection_filter state; -1 none
  // On TCP, matched on the reassembled stream instead of each packet: a rule with payload
  // keywords, unless it is about packets (tcp-pkt, dsize, flow:no_stream, header buffers).
  bool stream = false;
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

  // The literal databases, one of the fast patterns of stream signatures and one of the
  // others, so that each buffer is scanned only for the rules that inspect it; Hyperscan
  // ids are signature indexes. nullptr when no such signature has a positive content.
  const hs_database* packetPatterns() const { return packet_patterns_; }
  const hs_database* streamPatterns() const { return stream_patterns_; }
  size_t patternCount() const { return pattern_count_; }

  // Signatures without a positive content that can see IP protocol `proto`, except the
  // address-indexed ones.
  const std::vector<uint32_t>& unprefiltered(uint8_t proto) const { return unprefiltered_[proto]; }

  // Signatures without a positive content whose source or destination is a short
  // address list (IP reputation rules: botcc, ciarmy, tor, ...), by the addresses of
  // that list: only those listing one of a packet's addresses can match it.
  const AddressIndex& addressIndexed() const { return address_indexed_; }

  // What a worker sizes its per-flow and per-match state by.
  size_t flowbitCount() const { return flowbit_count_; }
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
  void listUnprefiltered();

  std::vector<Signature> signatures_;
  hs_database* packet_patterns_ = nullptr;
  hs_database* stream_patterns_ = nullptr;
  size_t pattern_count_ = 0;
  std::array<std::vector<uint32_t>, 256> unprefiltered_;
  AddressIndex address_indexed_;
  size_t flowbit_count_ = 0, flowint_count_ = 0, max_variables_ = 0, threshold_count_ = 0;
  size_t stream_lookback_ = 0;
  uint32_t max_regex_captures_ = 0;
};

}  // namespace mamori
