#pragma once
// A rule's metadata options as key/value pairs ("mitre_tactic_id TA0001, deployment
// Perimeter" -> {mitre_tactic_id, TA0001}, {deployment, Perimeter}), parsed once at rule
// load and shared by every alert of the rule, so correlation can select on them without
// parsing text per alert. A key may repeat: ET rules list several techniques that way.
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mamori {

struct RuleMetadata {
  std::vector<std::pair<std::string, std::string>> pairs;  // in rule order

  // Each text is one metadata option's value; an entry without a value keeps its key
  // with an empty value. nullptr when there is nothing.
  static std::shared_ptr<const RuleMetadata> parse(const std::vector<std::string>& options);
};

}  // namespace mamori
