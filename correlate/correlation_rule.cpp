#include "correlate/correlation_rule.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace mamori {

namespace {

bool iequalsLower(std::string_view text, std::string_view lower_value, size_t at) {
  for (size_t i = 0; i < lower_value.size(); ++i) {
    char c = text[at + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_value[i]) return false;
  }
  return true;
}

bool containsLower(std::string_view text, std::string_view lower_value) {
  if (lower_value.size() > text.size()) return false;
  for (size_t at = 0; at + lower_value.size() <= text.size(); ++at) {
    if (iequalsLower(text, lower_value, at)) return true;
  }
  return false;
}

std::optional<double> number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // strtod reads a terminated string; a number's text fits the buffer.
  char buffer[64];
  std::string long_text;
  const char* start = buffer;
  if (text.size() < sizeof buffer) {
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
  } else {
    long_text = text;
    start = long_text.c_str();
  }
  char* end = nullptr;
  const double v = std::strtod(start, &end);
  if (end != start + text.size()) return std::nullopt;
  return v;
}

}  // namespace

const char* correlationTypeName(CorrelationType type) {
  switch (type) {
    case CorrelationType::EventCount: return "event_count";
    case CorrelationType::ValueCount: return "value_count";
    case CorrelationType::Temporal: return "temporal";
    case CorrelationType::TemporalOrdered: return "temporal_ordered";
  }
  return "";
}

bool FieldTest::matches(const CorrelationEvent& event, RegexMatchData& regex_data,
                        CorrelationEvent::FieldValues& found) const {
  event.values(field, found);
  const std::vector<std::string_view>& present = found.list;
  if (op == Op::Absent) return present.empty();
  // One expected value (index i) against the field's values: any of them may match it.
  auto one = [&](size_t i) {
    for (const std::string_view text : present) {
      switch (op) {
        case Op::Equals:
          if (text.size() == values[i].size() && iequalsLower(text, values[i], 0)) return true;
          break;
        case Op::Contains:
          if (containsLower(text, values[i])) return true;
          break;
        case Op::StartsWith:
          if (text.size() >= values[i].size() && iequalsLower(text, values[i], 0)) return true;
          break;
        case Op::EndsWith:
          if (text.size() >= values[i].size() && iequalsLower(text, values[i], text.size() - values[i].size())) {
            return true;
          }
          break;
        case Op::Regex: {
          size_t start = 0, end = 0;
          if (regex_data.search(*regexes[i], reinterpret_cast<const uint8_t*>(text.data()), text.size(), 0, start,
                                end)) {
            return true;
          }
          break;
        }
        case Op::Cidr: {
          IpAddress address;
          if (IpAddress::parse(std::string(text), address) && networks.matches(address)) return true;
          break;
        }
        case Op::Gt:
        case Op::Gte:
        case Op::Lt:
        case Op::Lte: {
          const std::optional<double> v = number(text);
          if (!v) break;
          const double bound = numbers[i];
          if ((op == Op::Gt && *v > bound) || (op == Op::Gte && *v >= bound) || (op == Op::Lt && *v < bound) ||
              (op == Op::Lte && *v <= bound)) {
            return true;
          }
          break;
        }
        case Op::Absent: break;
      }
    }
    return false;
  };
  // A CIDR list is one matcher: any network of it.
  const size_t count = op == Op::Cidr ? 1 : values.size();
  for (size_t i = 0; i < count; ++i) {
    const bool hit = one(i);
    if (all && !hit) return false;
    if (!all && hit) return true;
  }
  return all;
}

bool Selection::matches(const CorrelationEvent& event, RegexMatchData& regex_data,
                        CorrelationEvent::FieldValues& values) const {
  for (const auto& tests : alternatives) {
    if (std::all_of(tests.begin(), tests.end(), [&](const FieldTest& t) { return t.matches(event, regex_data, values); })) {
      return true;
    }
  }
  return false;
}

bool ConditionNode::evaluate(const std::vector<bool>& results) const {
  switch (kind) {
    case Kind::Ref: return results[selections.front()];
    case Kind::And:
      return std::all_of(children.begin(), children.end(), [&](const ConditionNode& c) { return c.evaluate(results); });
    case Kind::Or:
      return std::any_of(children.begin(), children.end(), [&](const ConditionNode& c) { return c.evaluate(results); });
    case Kind::Not: return !children.front().evaluate(results);
    case Kind::AnyOf:
      return std::any_of(selections.begin(), selections.end(), [&](size_t s) { return results[s]; });
    case Kind::AllOf:
      return std::all_of(selections.begin(), selections.end(), [&](size_t s) { return results[s]; });
  }
  return false;
}

bool BaseRule::matches(const CorrelationEvent& event, RegexMatchData& regex_data,
                       CorrelationEvent::FieldValues& values) const {
  std::vector<bool> results(selections.size());
  for (size_t i = 0; i < selections.size(); ++i) results[i] = selections[i].matches(event, regex_data, values);
  return condition.evaluate(results);
}

const std::string& CorrelationRule::resolve(const std::string& name, size_t input) const {
  auto alias = aliases.find(name);
  if (alias == aliases.end()) return name;
  auto field = alias->second.find(inputs[input].name);
  return field == alias->second.end() ? name : field->second;
}

}  // namespace mamori
