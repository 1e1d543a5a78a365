#pragma once
// Verifies a rule's payload keywords (Rule::payload) on one buffer with Suricata's
// semantics: each relative keyword continues from where the one before it matched, and
// when a later relative keyword fails, the earlier content or pcre is retried at its
// next occurrence. One per worker; allocates nothing per call.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "detect/dataset_overlay.h"
#include "rules/rule.h"
#include "rules/rule_regex.h"

namespace mamori {

class PayloadVerifier {
 public:
  // `datasets`: the worker's state of the rules' datasets, for dataset / datarep.
  PayloadVerifier(uint32_t max_regex_captures, size_t max_variables, DatasetOverlay& datasets);

  // Contents must be lower-cased already where nocase (SignatureDatabase does it).
  // `base64_data`: the rule's chain (Rule::base64_data) on what a base64_decode in
  // `chain` decodes. `origin`: where in `buffer` the absolute positions (offset, depth,
  // startswith, base64_decode's offset) count from: its start, a later position (where
  // the newly inspected part of a stream begins), or an earlier one (negative: the
  // stream's start, before the look-back kept in the buffer).
  bool matches(const std::vector<PayloadMatch>& chain, const std::vector<PayloadMatch>& base64_data,
               const uint8_t* buffer, size_t length, int64_t origin = 0);
  // Whether `chain` has keywords at absolute positions, for which the origin matters.
  static bool anchored(const std::vector<PayloadMatch>& chain);
  // After a match: where in the buffer the last keyword of the chain left off.
  size_t matchEnd() const { return match_end_; }

 private:
  enum class Result : uint8_t { NoMatch, Match, Discontinue };

  Result inspect(size_t index, size_t offset);
  Result next(size_t index, size_t offset);
  Result inspectContent(const ContentMatch& c, size_t index, size_t offset);
  Result inspectPcre(const PcreMatch& p, size_t index, size_t offset);
  Result inspectIsDataAt(const IsDataAt& d, size_t index, size_t offset);
  Result inspectBase64(const Base64Decode& d, size_t offset);
  // byte_*: each reads a number at its position, then continues at the returned offset.
  bool readNumber(const ByteReader& reader, size_t offset, uint64_t& value, size_t& end, bool exact_text,
                  bool apply_bitmask = true);
  static void applyBitmask(const ByteReader& reader, uint64_t& value);
  int64_t valueOf(const RuleValue& v) const;

  DatasetOverlay& datasets_;
  const std::vector<PayloadMatch>* chain_ = nullptr;
  const std::vector<PayloadMatch>* base64_data_ = nullptr;
  const uint8_t* buffer_ = nullptr;
  size_t length_ = 0;
  int64_t origin_ = 0;
  size_t match_end_ = 0;
  uint32_t steps_ = 0;  // bounds the backtracking, as Suricata's recursion limit does
  RegexMatchData regex_;
  std::vector<uint64_t> variables_;
  std::string decoded_;  // base64_decode's output, reused
};

}  // namespace mamori
