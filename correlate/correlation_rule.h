#pragma once
// Correlation rules as CorrelationRuleParser leaves them: Sigma-flavoured base rules
// (selections over CorrelationEvent fields and a condition joining them) and correlation
// rules over them (event_count, value_count, temporal, temporal_ordered), names resolved
// to indices and correlations ordered so that each comes after the ones it builds on.
// Read-only once parsed; docs/correlation.md is the language reference.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capture/packet.h"
#include "correlate/correlation_event.h"
#include "rules/address_matcher.h"
#include "rules/rule_regex.h"

namespace mamori {

// One `field|modifier: value(s)` of a selection.
struct FieldTest {
  enum class Op : uint8_t { Equals, Contains, StartsWith, EndsWith, Regex, Cidr, Gt, Gte, Lt, Lte, Absent };
  std::string field;
  Op op = Op::Equals;
  bool all = false;                  // |all: every value must match, not any
  std::vector<std::string> values;   // lower-cased for the string operators
  std::vector<double> numbers;       // Gt..Lte
  std::vector<std::shared_ptr<const RuleRegex>> regexes;
  AddressMatcher networks;           // Cidr: all the values in one matcher

  bool matches(const CorrelationEvent& event, RegexMatchData& regex_data, CorrelationEvent::FieldValues& values) const;
};

// A selection is any of its alternatives (a YAML list of maps); an alternative is all of
// its tests (one map).
struct Selection {
  std::string name;
  std::vector<std::vector<FieldTest>> alternatives;

  bool matches(const CorrelationEvent& event, RegexMatchData& regex_data, CorrelationEvent::FieldValues& values) const;
};

// The detection condition, "selection and not (filter1 or filter2)", "1 of sel_*".
struct ConditionNode {
  enum class Kind : uint8_t { Ref, And, Or, Not, AnyOf, AllOf };
  Kind kind = Kind::Ref;
  std::vector<size_t> selections;  // Ref: one; AnyOf / AllOf: those the pattern named
  std::vector<ConditionNode> children;

  bool evaluate(const std::vector<bool>& selection_results) const;
};

struct BaseRule {
  std::string name, title;
  std::string file;
  int line = 0;
  std::vector<Selection> selections;
  ConditionNode condition;

  bool matches(const CorrelationEvent& event, RegexMatchData& regex_data, CorrelationEvent::FieldValues& values) const;
};

// Sigma's gt / gte / lt / lte / eq (several join with AND) and mamori's `range: MIN..MAX`
// (inclusive), plus the mamori extension `max-jitter` for event_count: the coefficient of
// variation (standard deviation / mean) of the gaps between the counted events must not
// exceed it, so that only regular series (beacons) qualify.
struct CountCondition {
  uint64_t min = 0;                   // inclusive
  uint64_t max = UINT64_MAX;          // inclusive
  std::optional<double> max_jitter;

  bool holds(uint64_t count) const { return count >= min && count <= max; }
};

enum class CorrelationType : uint8_t { EventCount, ValueCount, Temporal, TemporalOrdered };
const char* correlationTypeName(CorrelationType type);

struct CorrelationRule {
  // What a `rules` entry names: a base rule, or another correlation (its matches come in
  // as events of event_type "correlation").
  struct Input {
    bool correlation = false;
    size_t index = 0;  // into CorrelationRuleSet::base or ::correlations
    std::string name;
  };

  std::string name, title;
  std::string file;
  int line = 0;
  int severity = 3;  // critical 1, high 2, medium 3, low and informational 4
  std::vector<std::string> tags;
  std::vector<std::string> tactics, techniques;  // from the attack.* tags, sorted, unique
  CorrelationType type = CorrelationType::EventCount;
  std::vector<Input> inputs;
  std::vector<std::string> group_by;
  // alias -> (input rule name -> the field that rule's events hold it in)
  std::map<std::string, std::map<std::string, std::string>> aliases;
  TimeUs timespan = 0;
  CountCondition condition;
  std::string field;  // value_count: whose distinct values are counted
  bool generate = false;  // accepted for Sigma compatibility; base rules never emit alone

  // The field an input's events hold `name` in, after aliases.
  const std::string& resolve(const std::string& name, size_t input) const;
};

struct CorrelationRuleSet {
  std::vector<BaseRule> base;
  std::vector<CorrelationRule> correlations;  // every rule after the correlations it reads
  uint32_t max_regex_captures = 0;
};

}  // namespace mamori
