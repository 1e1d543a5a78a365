#include "apps/yaml_fields.h"

#include <cctype>
#include <filesystem>

#include <yaml-cpp/depthguard.h>

#include "apps/config.h"
#include "rules/bounded_file.h"

namespace mamori::yaml_fields {

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& key,
                       const std::string& why) {
  std::string where = file;
  if (node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
  throw ConfigError(where + ": " + key + ": " + why);
}

void eachKey(const std::string& file, const YAML::Node& map, const std::string& prefix,
             const std::map<std::string, std::function<void(const std::string&, const YAML::Node&)>>& handlers) {
  if (!map.IsMap()) fail(file, map, prefix.empty() ? "(top level)" : prefix, "expected a mapping");
  for (const auto& kv : map) {
    // A key that is a list or a mapping ("? [a]") would throw yaml-cpp's conversion error.
    if (!kv.first.IsScalar()) fail(file, kv.first, prefix.empty() ? "(top level)" : prefix, "a key must be a plain name");
    std::string name = kv.first.as<std::string>();
    std::string key = prefix.empty() ? name : prefix + "." + name;
    auto it = handlers.find(name);
    if (it == handlers.end()) fail(file, kv.first, key, "unknown key");
    it->second(key, kv.second);
  }
}

uint32_t seconds(const std::string& file, const std::string& key, const YAML::Node& n) {
  try {
    long v = n.as<long>();
    if (v < 0 || v > 86400 * 7) fail(file, n, key, "must be between 0 and 604800 seconds");
    return static_cast<uint32_t>(v);
  } catch (const YAML::Exception&) {
    fail(file, n, key, "expected a number of seconds");
  }
}

// A count of things held in memory; 0 would make the cap meaningless.
size_t capValue(const std::string& file, const std::string& key, const YAML::Node& n, size_t max) {
  const std::string range = "a whole number from 1 to " + std::to_string(max);
  long long v = 0;
  try {
    v = n.as<long long>();
  } catch (const YAML::Exception&) {
    fail(file, n, key, "expected " + range);
  }
  if (v < 1 || static_cast<unsigned long long>(v) > max) fail(file, n, key, "must be " + range);
  return static_cast<size_t>(v);
}

uint64_t sizeValue(const std::string& file, const std::string& key, const YAML::Node& n) {
  constexpr uint64_t kMax = uint64_t{1} << 40;
  const std::string text = scalar(file, key, n);
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) fail(file, n, key, "expected a size like 64mb, got '" + text + "'");
  std::string unit;
  for (char c : text.substr(digits)) {
    if (!std::isspace(static_cast<unsigned char>(c))) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  int shift = -1;
  if (unit.empty() || unit == "b") shift = 0;
  if (unit == "kb" || unit == "k") shift = 10;
  if (unit == "mb" || unit == "m") shift = 20;
  if (unit == "gb" || unit == "g") shift = 30;
  if (unit == "tb" || unit == "t") shift = 40;
  if (shift < 0) fail(file, n, key, "unknown size unit '" + unit + "' (use b, kb, mb, gb, tb)");
  // Read digit by digit, so that no number is too long to hold: past the cap is past it.
  uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
    if (value > (kMax >> shift)) fail(file, n, key, "'" + text + "' is more than the largest size, 1tb");
  }
  return value << shift;
}

std::string scalar(const std::string& file, const std::string& key, const YAML::Node& n) {
  if (!n.IsScalar()) fail(file, n, key, "expected a value");
  return n.as<std::string>();
}

bool boolean(const std::string& file, const std::string& key, const YAML::Node& n) {
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    fail(file, n, key, "expected true or false");
  }
}

std::string path(const std::string& file, const std::string& key, const YAML::Node& n) {
  std::filesystem::path p = n.IsNull() ? "" : scalar(file, key, n);
  return p.empty() || p.is_absolute() ? p.string() : (std::filesystem::path(file).parent_path() / p).string();
}

YAML::Node load(const std::string& file) {
  BoundedFile read = readBoundedFile(file, kMaxFileBytes);
  if (!read.error.empty()) throw ConfigError(file + ": configuration file: " + read.error);
  try {
    return YAML::Load(read.text);
  } catch (const YAML::DeepRecursion& e) {
    throw ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ": nested deeper than " +
                      std::to_string(e.depth() - 1) + " levels");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace mamori::yaml_fields
