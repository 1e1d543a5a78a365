#pragma once
// A rule's threshold and detection_filter, shared by its signature and the alerts it
// raises: whoever decides them (the worker's inspector, or the output thread for those
// that count more than one address pair's traffic) needs only this.
#include <cstdint>
#include <optional>

#include "rules/rule.h"

namespace mamori {

struct RuleThresholds {
  explicit RuleThresholds(const Rule& rule)
      : key(uint64_t{rule.gid} << 32 | rule.sid), threshold(rule.threshold), detection_filter(rule.detection_filter) {
    auto shared = [](const std::optional<Threshold>& t) {
      return t && (t->track == Threshold::Track::BySrc || t->track == Threshold::Track::ByDst ||
                   t->track == Threshold::Track::ByRule);
    };
    spans_address_pairs = shared(threshold) || shared(detection_filter);
  }

  // gid and sid: a rule's counts carry over a rule reload that keeps it.
  uint64_t key;
  std::optional<Threshold> threshold, detection_filter;
  // Tracked by_src, by_dst or by_rule: one worker sees only the address pairs sharded to
  // it, so its count would change with the number of workers. by_both and by_flow stay
  // within one address pair, so within one worker.
  bool spans_address_pairs = false;
};

}  // namespace mamori
