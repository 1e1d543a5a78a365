#include "apps/central_config.h"

#include "apps/ui_config.h"

#include <algorithm>
#include <filesystem>
#include <cctype>
#include <optional>
#include <set>

#include "apps/config.h"
#include "apps/rule_loading.h"
#include "apps/yaml_fields.h"

namespace mamori {

using namespace yaml_fields;

CentralOptions loadCentralConfig(const std::string& file, std::optional<ConsoleOptions>* ui) {
  CentralOptions o;
  o.name = validSensorName(hostName()) ? hostName() : "central";
  o.central_correlation_dir = defaultCorrelationPath() + "/central";
  o.sensor_correlation_dir = defaultCorrelationPath();
  const std::string& f = file;
  const YAML::Node root = load(file);

  std::set<std::string> names, keys;
  auto peers = [&](std::vector<AllowedPeer>& into) {
    return [&, &into = into](const std::string& key, const YAML::Node& n) {
      if (!n.IsSequence()) fail(f, n, key, "expected a list of {name, key}");
      for (const auto& item : n) {
        AllowedPeer peer;
        std::string key_text;
        YAML::Node key_node;
        eachKey(f, item, key,
                {{"name", [&](const std::string& k, const YAML::Node& v) {
                    peer.name = scalar(f, k, v);
                    if (!validSensorName(peer.name)) fail(f, v, k, "1 to 64 letters, digits, '.', '_' or '-'");
                  }},
                 {"key", [&](const std::string& k, const YAML::Node& v) {
                    key_text = scalar(f, k, v);
                    key_node = v;
                  }}});
        if (peer.name.empty() || key_text.empty()) fail(f, item, key, "each entry needs a name and a key");
        try {
          peer.public_key = readPublicKey(key_text, std::filesystem::path(f).parent_path().string());
        } catch (const KeyError& e) {
          fail(f, key_node, key + ".key", e.what());
        }
        if (!names.insert(key + ":" + peer.name).second) fail(f, item, key, "'" + peer.name + "' is listed twice");
        // One key, one identity: a key on two lists would make a sensor an author too.
        if (!keys.insert(peer.public_key).second) {
          fail(f, key_node, key + ".key", "this key is already on a list (fingerprint " + keyFingerprint(peer.public_key) + ")");
        }
        into.push_back(std::move(peer));
      }
    };
  };

  YAML::Node shared;  // vars and correlate, read as mamori.yaml reads them
  std::optional<YAML::Node> key_node;
  eachKey(f, root, "",
          {{"central", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key,
                      {{"name", [&](const std::string& k, const YAML::Node& v) {
                          o.name = scalar(f, k, v);
                          if (!validSensorName(o.name)) fail(f, v, k, "1 to 64 letters, digits, '.', '_' or '-'");
                        }},
                       {"listen", [&](const std::string& k, const YAML::Node& v) { o.listen = scalar(f, k, v); }},
                       {"key", [&](const std::string&, const YAML::Node& v) { key_node = v; }},
                       {"bus", [&](const std::string& k, const YAML::Node& v) { o.bus = v.IsNull() ? "" : scalar(f, k, v); }},
                       {"store", [&](const std::string& k, const YAML::Node& v) { o.store = path(f, k, v); }},
                       {"eve", [&](const std::string& k, const YAML::Node& v) { o.eve = path(f, k, v); }},
                       {"metrics", [&](const std::string& k, const YAML::Node& v) { o.metrics = v.IsNull() ? "" : scalar(f, k, v); }},
                       {"stats-interval", [&](const std::string& k, const YAML::Node& v) { o.stats_interval_s = seconds(f, k, v); }},
                       {"correlation", [&](const std::string& k, const YAML::Node& v) {
                          if (!v.IsSequence()) fail(f, v, k, "expected a list of correlation rule files or folders");
                          for (const auto& item : v) o.correlation.push_back(path(f, k, item));
                        }},
                       {"rule-cache-dir", [&](const std::string& k, const YAML::Node& v) { o.rule_cache_dir = path(f, k, v); }},
                       {"keep-rule-sets", [&](const std::string& k, const YAML::Node& v) {
                          o.keep_rule_sets = capValue(f, k, v, 10'000);
                        }}});
            }},
           {"ui", [&](const std::string& key, const YAML::Node& n) {
              ConsoleOptions console;
              readUiSection(f, n, key, console);
              if (ui) *ui = console;
            }},
           {"sensors", peers(o.sensors)},
           {"authors", peers(o.authors)},
           {"subscribers", peers(o.subscribers)},
           {"vars", [&](const std::string&, const YAML::Node& v) { shared["vars"] = v; }},
           {"correlate", [&](const std::string& key, const YAML::Node& v) {
              if (v.IsMap() && v["store"]) fail(f, v["store"], key + ".store", "the central's store is central.store");
              shared["correlate"] = v;
            }}});
  if (!key_node) fail(f, root, "central.key", "the central's key pair (mamori keys generate) is required");
  try {
    o.key = readSecretKeyFile(path(f, "central.key", *key_node));
  } catch (const KeyError& e) {
    fail(f, *key_node, "central.key", e.what());
  }
  if (o.store.empty()) fail(f, root, "central.store", "the central needs a store (SQLite file)");
  if (o.sensors.empty()) fail(f, root, "sensors", "no sensor may report: list at least one {name, key}");
  const Config sensor_side = Config::fromYaml(f, shared);
  o.variables = sensor_side.ruleVariables();
  o.engine = sensor_side.correlation;
  o.incidents = sensor_side.incidents;
  // As on a sensor: held-back evidence must reach an incident before its inactivity closes it.
  o.engine.max_hold = std::max<TimeUs>(1, o.incidents.inactivity / 2);
  if (o.rule_cache_dir.empty()) o.rule_cache_dir = sensor_side.rule_cache_dir;
  return o;
}

}  // namespace mamori
