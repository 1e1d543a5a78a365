#pragma once
// Reading mamori's YAML configuration files (mamori.yaml, central.yaml): every error names
// the file, the line and the key path ("mamori.yaml:12: flow.memcap: ..."), and unknown
// keys are refused, since a misspelt key silently ignored is a setting the operator
// believes in and does not have.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

namespace mamori::yaml_fields {

using Handler = std::function<void(const std::string& key, const YAML::Node& value)>;

// Throws ConfigError "FILE:LINE: KEY: WHY".
[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& key, const std::string& why);
// Walks a mapping, handing each value to the handler of its key; an unknown key fails.
void eachKey(const std::string& file, const YAML::Node& map, const std::string& prefix,
             const std::map<std::string, Handler>& handlers);
uint32_t seconds(const std::string& file, const std::string& key, const YAML::Node& n);
// A count of things held in memory, 1..max.
size_t capValue(const std::string& file, const std::string& key, const YAML::Node& n, size_t max);
// A size in bytes: "64mb", "1gb", "512kb", "4096"; at most 1tb (no memory cap or spool is
// larger, and a size written too large is refused rather than wrapped).
uint64_t sizeValue(const std::string& file, const std::string& key, const YAML::Node& n);
std::string scalar(const std::string& file, const std::string& key, const YAML::Node& n);
bool boolean(const std::string& file, const std::string& key, const YAML::Node& n);
// A path; relative ones are relative to the configuration file's folder. Null gives "".
std::string path(const std::string& file, const std::string& key, const YAML::Node& n);
// Loads the file; a missing, oversized (kMaxFileBytes) or malformed file is a ConfigError naming it.
constexpr size_t kMaxFileBytes = size_t{16} << 20;
YAML::Node load(const std::string& file);

}  // namespace mamori::yaml_fields
