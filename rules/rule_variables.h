#pragma once
// What the configuration gives rules to refer to: named address and port groups
// ($HOME_NET, $HTTP_PORTS, ...) for rule headers, and the IP reputation files iprep reads.
// Groups hold expression text, not compiled sets, because a group may name other groups
// and a later override (from the config file) must change every group built on it.
#include <map>
#include <string>

#include "rules/ip_reputation.h"

namespace mamori {

class RuleVariables {
 public:
  // Suricata's defaults from its shipped suricata.yaml.
  RuleVariables();

  // Adds or replaces a group; `name` without the leading '$'.
  void setAddressGroup(const std::string& name, const std::string& expression);
  void setPortGroup(const std::string& name, const std::string& expression);

  // nullptr when no group has that name.
  const std::string* addressGroup(const std::string& name) const;
  const std::string* portGroup(const std::string& name) const;

  const std::map<std::string, std::string>& addressGroups() const { return address_groups_; }
  const std::map<std::string, std::string>& portGroups() const { return port_groups_; }

  void setReputationFiles(ReputationFiles files) { reputation_ = std::move(files); }
  const ReputationFiles& reputationFiles() const { return reputation_; }

 private:
  std::map<std::string, std::string> address_groups_;
  std::map<std::string, std::string> port_groups_;
  ReputationFiles reputation_;
};

}  // namespace mamori
