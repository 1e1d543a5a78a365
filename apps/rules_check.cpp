#include "apps/rules_check.h"

#include <map>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "apps/config.h"
#include "detect/rule_set_builder.h"

namespace mamori {

int rulesCheck(const std::vector<std::string>& paths, const std::string& config_path, bool json) {
  Config config;
  try {
    config = Config::load(config_path);
  } catch (const ConfigError& e) {
    fmt::print(stderr, "mamori: configuration error: {}\n", e.what());
    return 2;
  }
  // Building the database too catches what only the pattern compiler can refuse.
  BuiltSignatures built = buildSignatures(RuleSources{paths, {}}, config.ruleVariables(), "");
  const auto& database = built.database;
  const auto& parsed = built;
  size_t loaded = database ? database->size() : 0;
  std::map<std::string, size_t> loaded_per_file;
  for (size_t i = 0; i < loaded; ++i) ++loaded_per_file[database->signature(uint32_t(i)).rule.file];
  if (json) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("loaded");
    w.Uint64(loaded);
    w.Key("failed");
    w.Uint64(parsed.errors.size());
    w.Key("failures");
    w.StartArray();
    for (const auto& e : parsed.errors) {
      w.StartObject();
      w.Key("file");
      w.String(e.file.c_str());
      w.Key("line");
      w.Uint(e.line);
      w.Key("column");
      w.Uint(e.column);
      w.Key("sid");
      w.Uint(e.sid);
      w.Key("reason");
      w.String(e.reason.c_str());
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    fmt::print("{}\n", buf.GetString());
    return parsed.errors.empty() ? 0 : 1;
  }
  std::map<std::string, std::pair<size_t, size_t>> per_file;  // loaded, failed
  for (const auto& [file, n] : loaded_per_file) per_file[file].first = n;
  for (const auto& e : parsed.errors) {
    ++per_file[e.file].second;
    fmt::print("{}\n", e.toString());
  }
  std::map<std::string, size_t> by_reason;
  for (const auto& e : parsed.errors) ++by_reason[e.reason.substr(0, e.reason.find(':'))];
  for (const auto& [file, counts] : per_file) {
    fmt::print("{}: {} loaded, {} failed\n", file, counts.first, counts.second);
  }
  fmt::print("total: {} loaded, {} failed\n", loaded, parsed.errors.size());
  for (const auto& [reason, n] : by_reason) fmt::print("  {:>6}  {}\n", n, reason);
  return parsed.errors.empty() ? 0 : 1;
}

}  // namespace mamori
