#include "tests/integration/closed_incidents.h"

#include <sstream>

namespace mamori::test {
namespace {

// A non-string entry shows as "?", so that it fails a comparison rather than vanishing.
std::vector<std::string> strings(const rapidjson::Value& incident, const char* name) {
  std::vector<std::string> out;
  auto it = incident.FindMember(name);
  if (it == incident.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) out.emplace_back(v.IsString() ? v.GetString() : "?");
  return out;
}

std::vector<int64_t> numbers(const rapidjson::Value& incident, const char* name) {
  std::vector<int64_t> out;
  auto it = incident.FindMember(name);
  if (it == incident.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) out.push_back(v.IsNumber() ? v.GetInt64() : -1);
  return out;
}

}  // namespace

std::vector<ClosedIncident> closedIncidents(const EveLog& log) {
  std::vector<ClosedIncident> out;
  for (const auto* record : log.ofType("incident")) {
    const rapidjson::Value& i = (*record)["incident"];
    if (EveLog::string(i, "state") != "closed") continue;
    out.push_back(ClosedIncident{EveLog::string(i, "rule"), EveLog::string(i, "title"), EveLog::string(i, "source"),
                                 strings(i, "targets"), strings(i, "domains"),
                                 numbers(i, "dest_ports"), numbers(i, "signature_ids"),
                                 EveLog::number(i, "alert_count"), EveLog::number(i, "severity"),
                                 EveLog::string(i, "first_seen"), EveLog::string(i, "last_seen")});
  }
  return out;
}

std::multiset<std::pair<std::string, std::string>> rulesAndTitles(const std::vector<ClosedIncident>& incidents) {
  std::multiset<std::pair<std::string, std::string>> out;
  for (const ClosedIncident& i : incidents) out.emplace(i.rule, i.title);
  return out;
}

const ClosedIncident* findByTitle(const std::vector<ClosedIncident>& incidents, const std::string& title) {
  for (const ClosedIncident& i : incidents) {
    if (i.title == title) return &i;
  }
  return nullptr;
}

std::string describe(const std::vector<ClosedIncident>& incidents) {
  std::ostringstream out;
  out << incidents.size() << " incident(s):";
  for (const ClosedIncident& i : incidents) {
    out << "\n  " << i.rule << " | " << i.title << " | alert_count " << i.alert_count << " | severity " << i.severity
        << " | " << i.targets.size() << " target(s) | ports";
    for (int64_t p : i.dest_ports) out << " " << p;
    out << " | sids";
    for (int64_t s : i.signature_ids) out << " " << s;
  }
  return out.str();
}

}  // namespace mamori::test
