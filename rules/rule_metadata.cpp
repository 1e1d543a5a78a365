#include "rules/rule_metadata.h"

#include <string_view>

namespace mamori {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::shared_ptr<const RuleMetadata> RuleMetadata::parse(const std::vector<std::string>& options) {
  auto metadata = std::make_shared<RuleMetadata>();
  for (std::string_view rest : options) {
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      std::string_view entry = trim(rest.substr(0, comma));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
      if (entry.empty()) continue;
      const size_t space = entry.find_first_of(" \t");
      std::string_view key = entry.substr(0, space);
      std::string_view value = space == std::string_view::npos ? std::string_view{} : trim(entry.substr(space));
      metadata->pairs.emplace_back(std::string(key), std::string(value));
    }
  }
  if (metadata->pairs.empty()) return nullptr;
  return metadata;
}

}  // namespace mamori
