#pragma once
// IncidentQuery: which incidents a queue shows and in what order, from the query string of
// `GET /api/incidents` (docs/console-api.md). Parsing refuses what it does not know, with a
// reason naming the parameter; matching is a pure function. Any thread.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "console/triage.h"
#include "correlate/incident.h"

namespace mamori {

struct IncidentQuery {
  enum class States : uint8_t { Open, Closed, All };
  enum class Sort : uint8_t { Severity, LastSeen, FirstSeen, Events, Title };
  States states = States::Open;
  std::set<std::string> triage;  // empty: any
  std::set<int> severities;      // empty: any
  std::string sensor, host, rule;
  std::string text;  // lower-cased
  Sort sort = Sort::Severity;
  bool ascending = false;
  size_t limit = 200, offset = 0;

  static constexpr size_t kMaxLimit = 1000;

  // From the request's parameters; nullopt with `error` set ("severity: ...") for a value
  // out of range or an unknown parameter value.
  static std::optional<IncidentQuery> parse(const std::multimap<std::string, std::string>& params, std::string& error);

  // Whether the incident passes every filter; `ignore_severity` for the counts per severity.
  bool matches(const Incident& inc, const Triage& triage, bool ignore_severity = false) const;
  // The queue's order: whether `a` comes before `b`.
  bool before(const Incident& a, const Incident& b) const;
};

}  // namespace mamori
