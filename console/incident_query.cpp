#include "console/incident_query.h"

#include <algorithm>
#include <charconv>

namespace mamori {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool contains(std::string_view haystack, const std::string& lowered_needle) {
  return lower(haystack).find(lowered_needle) != std::string::npos;
}

template <typename Each>
void splitCommas(const std::string& value, Each each) {
  size_t start = 0;
  while (start <= value.size()) {
    const size_t comma = std::min(value.find(',', start), value.size());
    if (comma > start) each(value.substr(start, comma - start));
    start = comma + 1;
  }
}

bool number(const std::string& text, size_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<IncidentQuery> IncidentQuery::parse(const std::multimap<std::string, std::string>& params,
                                                  std::string& error) {
  IncidentQuery q;
  for (const auto& [name, value] : params) {
    if (value.size() > 256) {
      error = name + ": longer than 256 bytes";
      return std::nullopt;
    }
    if (name == "state") {
      if (value == "open") q.states = States::Open;
      else if (value == "closed") q.states = States::Closed;
      else if (value == "all") q.states = States::All;
      else error = "state: expected open, closed or all";
    } else if (name == "triage") {
      splitCommas(value, [&](const std::string& t) {
        if (!isTriageStatus(t)) error = "triage: unknown status '" + t + "'";
        q.triage.insert(t);
      });
    } else if (name == "severity") {
      splitCommas(value, [&](const std::string& s) {
        if (s.size() != 1 || s[0] < '1' || s[0] > '4') error = "severity: expected 1 to 4";
        else q.severities.insert(s[0] - '0');
      });
    } else if (name == "sensor") {
      q.sensor = value;
    } else if (name == "host") {
      q.host = value;
    } else if (name == "rule") {
      q.rule = value;
    } else if (name == "q") {
      q.text = lower(value);
    } else if (name == "sort") {
      if (value == "severity") q.sort = Sort::Severity;
      else if (value == "last_seen") q.sort = Sort::LastSeen;
      else if (value == "first_seen") q.sort = Sort::FirstSeen;
      else if (value == "events") q.sort = Sort::Events;
      else if (value == "title") q.sort = Sort::Title;
      else error = "sort: expected severity, last_seen, first_seen, events or title";
    } else if (name == "order") {
      if (value == "asc") q.ascending = true;
      else if (value != "desc") error = "order: expected asc or desc";
    } else if (name == "limit") {
      if (!number(value, q.limit) || q.limit == 0 || q.limit > kMaxLimit) error = "limit: expected 1 to 1000";
    } else if (name == "offset") {
      if (!number(value, q.offset)) error = "offset: expected a number";
    }
    if (!error.empty()) return std::nullopt;
  }
  return q;
}

bool IncidentQuery::matches(const Incident& inc, const Triage& triage_of, bool ignore_severity) const {
  const bool closed = inc.state == IncidentState::Closed;
  if ((states == States::Open && closed) || (states == States::Closed && !closed)) return false;
  if (!triage.empty() && !triage.count(triage_of.status)) return false;
  if (!ignore_severity && !severities.empty() && !severities.count(inc.severity)) return false;
  if (!sensor.empty() && inc.sensor != sensor &&
      std::find(inc.sensors.begin(), inc.sensors.end(), sensor) == inc.sensors.end()) {
    return false;
  }
  if (!host.empty()) {
    const bool named = (inc.source.family != 0 && inc.source.toString() == host) ||
                       std::any_of(inc.targets.begin(), inc.targets.end(),
                                   [&](const IpAddress& t) { return t.toString() == host; });
    if (!named) return false;
  }
  if (!rule.empty() && inc.rule != rule) return false;
  if (!text.empty()) {
    auto any = [&](const std::vector<std::string>& list) {
      return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return contains(s, text); });
    };
    const bool found = contains(inc.title, text) || contains(inc.rule, text) || contains(inc.sensor, text) ||
                       (inc.source.family != 0 && contains(inc.source.toString(), text)) || contains(triage_of.owner, text) ||
                       any(inc.sensors) || any(inc.signatures) || any(inc.domains) ||
                       std::any_of(inc.targets.begin(), inc.targets.end(),
                                   [&](const IpAddress& t) { return contains(t.toString(), text); });
    if (!found) return false;
  }
  return true;
}

bool IncidentQuery::before(const Incident& a, const Incident& b) const {
  // Ties fall to the most recent, then to the key, so pages never overlap.
  auto recent = [](const Incident& x, const Incident& y) {
    if (x.last_seen != y.last_seen) return x.last_seen > y.last_seen;
    if (x.sensor != y.sensor) return x.sensor < y.sensor;
    return x.id < y.id;
  };
  auto ordered = [&](auto ka, auto kb) {
    if (ka == kb) return recent(a, b);
    return ascending ? ka < kb : kb < ka;
  };
  switch (sort) {
    // Most severe first is severity 1 first: "descending" severity is ascending numbers.
    case Sort::Severity: return ordered(-a.severity, -b.severity);
    case Sort::LastSeen: return ordered(a.last_seen, b.last_seen);
    case Sort::FirstSeen: return ordered(a.first_seen, b.first_seen);
    case Sort::Events: return ordered(a.alert_count, b.alert_count);
    case Sort::Title: return ordered(lower(a.title), lower(b.title));
  }
  return recent(a, b);
}

}  // namespace mamori
