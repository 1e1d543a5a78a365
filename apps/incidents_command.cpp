#include "apps/incidents_command.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "alerting/eve_formatter.h"
#include "alerting/incident_store.h"
#include "apps/config.h"

namespace mamori {
namespace {

constexpr size_t kTitleWidth = 60;
constexpr size_t kHostsShown = 4;

// "2023-11-14 22:13:20", UTC: the table's width, the EVE timestamp's reading.
std::string shortTime(TimeUs ts) {
  std::string t = EveFormatter::timestamp(ts).substr(0, 19);
  t[10] = ' ';
  return t;
}

size_t codePoints(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// At most `width` code points, never cutting one in half.
std::string clip(const std::string& text, size_t width) {
  if (codePoints(text) <= width) return text;
  size_t kept = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((text[i] & 0xC0) != 0x80 && ++kept == width) break;
  }
  return text.substr(0, i) + "…";
}

std::string pad(const std::string& text, size_t width) {
  size_t n = codePoints(text);
  return n >= width ? text : text + std::string(width - n, ' ');
}

template <typename T, typename Show>
std::string join(const std::vector<T>& items, const char* separator, Show show) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += show(item);
  }
  return out;
}

std::string joinStrings(const std::vector<std::string>& items, const char* separator = ", ") {
  return join(items, separator, [](const std::string& s) { return s; });
}

// As EVE's `hosts`: the source, then every target that is not the source.
std::vector<IpAddress> hosts(const Incident& inc) {
  std::vector<IpAddress> out;
  if (inc.source.family != 0) out.push_back(inc.source);
  for (const auto& t : inc.targets) {
    if (t != inc.source) out.push_back(t);
  }
  return out;
}

std::string hostSummary(const Incident& inc) {
  std::vector<IpAddress> all = hosts(inc);
  std::vector<IpAddress> shown(all.begin(), all.begin() + std::min(all.size(), kHostsShown));
  std::string out = join(shown, ", ", [](const IpAddress& a) { return a.toString(); });
  if (all.size() > shown.size()) out += fmt::format(" +{} more", all.size() - shown.size());
  return out;
}

// A version-1 store's incidents name no sensor.
std::string sensorName(const Incident& inc) { return inc.sensor.empty() ? "-" : inc.sensor; }

std::string alerts(uint64_t n) { return fmt::format("{} alert{}", n, n == 1 ? "" : "s"); }

// The EVE incident record with its story added as "history".
std::string showJson(const Incident& inc, const std::vector<IncidentChange>& story) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const auto& change : story) {
    w.StartObject();
    w.Key("timestamp");
    w.String(EveFormatter::timestamp(change.ts).c_str());
    w.Key("state");
    w.String(incidentStateName(change.state));
    w.Key("severity");
    w.Int(change.severity);
    w.Key("alert_count");
    w.Uint64(change.alert_count);
    w.Key("title");
    w.String(change.title.data(), static_cast<rapidjson::SizeType>(change.title.size()));
    w.EndObject();
  }
  w.EndArray();
  // formatIncident gives one JSON object: its closing brace makes room for one more key.
  std::string line = EveFormatter(inc.sensor).formatIncident(inc);
  line.pop_back();
  return line + ",\"history\":" + buf.GetString() + "}";
}

}  // namespace

IncidentsCommand::IncidentsCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("incidents", "Read the incident store");
  cmd->require_subcommand(1);
  list_ = cmd->add_subcommand("list", "Incidents, most recent activity first");
  show_ = cmd->add_subcommand("show", "One incident: what it is, its story and its evidence");
  show_->add_option("id", id_, "Incident id")->required();
  list_->add_option("--state", state_, "open (open or updated; the default), closed or all")
      ->check(CLI::IsMember({"open", "closed", "all"}));
  list_->add_option("--sensor", sensor_, "Only this sensor's incidents");
  show_->add_option("--sensor", sensor_, "The sensor whose incident it is (needed when several have the id)");
  for (CLI::App* sub : {list_, show_}) {
    sub->add_option("--db", db_, "Incident store (default: correlate.store of --config, else /var/lib/mamori/incidents.db)");
    sub->add_option("--config", config_, "mamori.yaml");
    sub->add_flag("--json", json_, list_ == sub ? "One EVE incident record a line" : "One EVE incident record with its history");
  }
}

int IncidentsCommand::run() const {
  std::string path = db_;
  if (path.empty()) {
    try {
      path = Config::load(config_).incident_store;
    } catch (const ConfigError& e) {
      fmt::print(stderr, "mamori: configuration error: {}\n", e.what());
      return 2;
    }
    if (path.empty()) {
      fmt::print(stderr, "mamori incidents: no incident store configured (correlate.store is empty); give --db PATH\n");
      return 1;
    }
  }
  try {
    IncidentStore store = IncidentStore::openExisting(path);
    return *list_ ? list(store) : show(store);
  } catch (const IncidentStoreError& e) {
    fmt::print(stderr, "mamori incidents: {}\n", e.what());
    return 1;
  }
}

int IncidentsCommand::list(IncidentStore& store) const {
  IncidentFilter filter;
  if (state_ == "open") filter.states = IncidentFilter::States::NotClosed;
  if (state_ == "closed") filter.states = IncidentFilter::States::Closed;
  filter.sensor = sensor_;
  std::vector<Incident> incidents = store.list(filter);
  if (json_) {
    for (const auto& inc : incidents) fmt::print("{}\n", EveFormatter(inc.sensor).formatIncident(inc));
    return 0;
  }
  if (incidents.empty()) {
    fmt::print("no {}incidents{} in {}\n", state_ == "all" ? "" : state_ + " ",
               sensor_.empty() ? "" : " of " + sensor_, store.path());
    return 0;
  }
  size_t id_width = 2, sensor_width = 6, title_width = 5;
  for (const auto& inc : incidents) {
    id_width = std::max(id_width, std::to_string(inc.id).size());
    sensor_width = std::max(sensor_width, sensorName(inc).size());
    title_width = std::max(title_width, std::min(codePoints(inc.title), kTitleWidth + 1));
  }
  fmt::print("{:<{}}  {:<{}}  {:<7}  {:>3}  {:<19}  {:<19}  {}  {}\n", "ID", id_width, "SENSOR", sensor_width, "STATE",
             "SEV", "FIRST SEEN (UTC)", "LAST SEEN (UTC)", pad("TITLE", title_width), "HOSTS");
  for (const auto& inc : incidents) {
    fmt::print("{:<{}}  {:<{}}  {:<7}  {:>3}  {}  {}  {}  {}\n", inc.id, id_width, sensorName(inc), sensor_width,
               incidentStateName(inc.state), inc.severity, shortTime(inc.first_seen), shortTime(inc.last_seen),
               pad(clip(inc.title, kTitleWidth), title_width), hostSummary(inc));
  }
  return 0;
}

int IncidentsCommand::show(IncidentStore& store) const {
  std::optional<Incident> found;
  if (!sensor_.empty()) {
    found = store.find(sensor_, id_);
  } else {
    IncidentsWithId with_id = store.findById(id_);
    if (with_id.ambiguous()) {
      fmt::print(stderr, "mamori incidents: several sensors have an incident {} in {}: {}; give --sensor NAME\n", id_,
                 store.path(), joinStrings(with_id.sensors));
      return 1;
    }
    found = std::move(with_id.incident);
  }
  if (!found) {
    fmt::print(stderr, "mamori incidents: no incident {}{} in {}\n", id_, sensor_.empty() ? "" : " of " + sensor_,
               store.path());
    return 1;
  }
  const Incident& inc = *found;
  std::vector<IncidentChange> story = store.history(inc.sensor, inc.id);
  if (json_) {
    fmt::print("{}\n", showJson(inc, story));
    return 0;
  }
  auto field = [](const char* name, const std::string& value) {
    if (!value.empty()) fmt::print("  {:<11} {}\n", name, value);
  };
  fmt::print("incident {}: {}\n", inc.id, inc.title);
  field("sensor", inc.sensor);
  field("state", incidentStateName(inc.state));
  field("severity", std::to_string(inc.severity));
  field("rule", inc.rule);
  field("first seen", shortTime(inc.first_seen) + " UTC");
  field("last seen", shortTime(inc.last_seen) + " UTC");
  field("source", inc.source.family != 0 ? inc.source.toString() : "");
  field("targets", join(inc.targets, ", ", [](const IpAddress& a) { return a.toString(); }));
  field("ports", join(inc.dest_ports, ", ", [](uint16_t p) { return std::to_string(p); }));
  field("domains", joinStrings(inc.domains));
  field("stages", joinStrings(inc.stages, " → "));
  field("tactics", joinStrings(inc.tactics));
  field("techniques", joinStrings(inc.techniques));
  field("sensors", joinStrings(inc.sensors));
  field("alerts", std::to_string(inc.alert_count));

  fmt::print("\nstory\n");
  std::string previous_title;
  for (const auto& change : story) {
    // A title is shown where the evidence changed it, not repeated on every line.
    std::string what = alerts(change.alert_count);
    if (change.title != previous_title) what = pad(what, 12) + "  " + change.title;
    fmt::print("  {}  {:<7}  severity {}  {}\n", shortTime(change.ts), incidentStateName(change.state),
               change.severity, what);
    previous_title = change.title;
  }

  fmt::print("\nevidence\n");
  if (!inc.signature_ids.empty()) {
    fmt::print("  signatures\n");
    for (size_t i = 0; i < inc.signature_ids.size(); ++i) {
      fmt::print("    {:>10}  {}\n", inc.signature_ids[i], i < inc.signatures.size() ? inc.signatures[i] : "");
    }
  }
  if (!inc.flow_ids.empty()) {
    fmt::print("  flows ({})\n    {}\n", inc.flow_ids.size(),
               join(inc.flow_ids, ", ", [](uint64_t id) { return std::to_string(id); }));
  }
  if (!inc.alert_ids.empty()) {
    fmt::print("  alerts ({}; EVE alert.id)\n    {}\n", inc.alert_ids.size(),
               join(inc.alert_ids, ", ", [](uint64_t id) { return std::to_string(id); }));
  }
  return 0;
}

}  // namespace mamori
