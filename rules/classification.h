#pragma once
// Classtypes: what `classtype:trojan-activity` means (a description, shown as the alert's
// category, and a default priority, its severity). Built in: Suricata's shipped
// classification.config; a rule set's own classification.config may add to or replace it.
#include <map>
#include <string>
#include <string_view>

namespace mamori {

struct Classification {
  std::string name;         // shortname, as rules write it
  std::string description;  // EVE alert.category
  int priority = 3;         // EVE alert.severity unless the rule says priority:
};

class ClassificationTable {
 public:
  // Suricata's etc/classification.config.
  static ClassificationTable suricataDefaults();

  void add(Classification c);
  const Classification* find(std::string_view name) const;
  size_t size() const { return by_name_.size(); }

  // Reads `config classification: name,description,priority` lines; '#' lines and blank
  // lines are skipped. Returns the number of malformed lines (which are ignored).
  size_t loadConfig(std::string_view text);

 private:
  std::map<std::string, Classification, std::less<>> by_name_;
};

}  // namespace mamori
