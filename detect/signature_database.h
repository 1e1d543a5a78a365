#pragma once
// The compile-time side of detection: rules turned into what a worker needs to inspect
// packets, built once per rule set and shared read-only by every worker thread.
//
// Each rule with a positive content contributes its fast pattern (its longest positive
// content) to ONE Hyperscan block-mode literal database; a Hyperscan match only makes
// the rule a candidate, which PacketInspector then verifies completely. Rules without
// a positive content are listed per IP protocol and verified on every packet of it.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/rule.h"
#include "rules/rule_error.h"

struct hs_database;

namespace mamori {

// A content as the verifier uses it: lower-cased once here when nocase.
struct PreparedContent {
  std::string bytes;
  bool nocase = false;
  bool negated = false;
};

struct Signature {
  Rule rule;
  std::vector<PreparedContent> contents;
  int fast_pattern = -1;  // index into contents; -1 when the rule has no positive content
  // Contents (even negated ones) look at a payload, and an app-layer rule at app-layer
  // data: neither matches a packet without payload, as in Suricata.
  bool needs_payload = false;
};

class SignatureDatabase {
 public:
  // Rules whose fast pattern Hyperscan refuses are left out with an error naming their
  // sid; the rest load. nullptr only when the database cannot be built at all (error
  // with sid 0).
  static std::shared_ptr<const SignatureDatabase> build(std::vector<Rule> rules,
                                                        std::vector<RuleError>& errors);
  ~SignatureDatabase();
  SignatureDatabase(const SignatureDatabase&) = delete;
  SignatureDatabase& operator=(const SignatureDatabase&) = delete;

  size_t size() const { return signatures_.size(); }
  const Signature& signature(uint32_t index) const { return signatures_[index]; }

  // The literal database; Hyperscan ids are signature indexes. nullptr when no rule has
  // a positive content.
  const hs_database* patterns() const { return patterns_; }
  size_t patternCount() const { return pattern_count_; }

  // Signatures without a positive content that can see IP protocol `proto`.
  const std::vector<uint32_t>& unprefiltered(uint8_t proto) const { return unprefiltered_[proto]; }

 private:
  SignatureDatabase() = default;

  std::vector<Signature> signatures_;
  hs_database* patterns_ = nullptr;
  size_t pattern_count_ = 0;
  std::array<std::vector<uint32_t>, 256> unprefiltered_;
};

}  // namespace mamori
