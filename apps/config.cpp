#include "apps/config.h"

#include <filesystem>

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <functional>
#include <set>

#include "auth/curve_key.h"

namespace mamori {

namespace {

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& key,
                       const std::string& why) {
  std::string where = file;
  if (node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
  throw ConfigError(where + ": " + key + ": " + why);
}

// Walks a mapping, rejecting keys the caller does not know: a misspelt key silently
// ignored is a setting the operator believes in and does not have.
void eachKey(const std::string& file, const YAML::Node& map, const std::string& prefix,
             const std::map<std::string, std::function<void(const std::string&, const YAML::Node&)>>& handlers) {
  if (!map.IsMap()) fail(file, map, prefix.empty() ? "(top level)" : prefix, "expected a mapping");
  for (const auto& kv : map) {
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

std::string scalar(const std::string& file, const std::string& key, const YAML::Node& n) {
  if (!n.IsScalar()) fail(file, n, key, "expected a value");
  return n.as<std::string>();
}

}  // namespace

size_t parseSize(const std::string& key, const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) throw ConfigError(key + ": expected a size like 64mb, got '" + text + "'");
  size_t value = std::stoull(text.substr(0, i));
  std::string unit;
  for (char c : text.substr(i)) {
    if (!std::isspace(static_cast<unsigned char>(c))) unit += static_cast<char>(std::tolower(c));
  }
  if (unit.empty() || unit == "b") return value;
  if (unit == "kb" || unit == "k") return value << 10;
  if (unit == "mb" || unit == "m") return value << 20;
  if (unit == "gb" || unit == "g") return value << 30;
  throw ConfigError(key + ": unknown size unit '" + unit + "' (use b, kb, mb, gb)");
}

Config Config::load(const std::string& path) {
  Config c;
  if (path.empty()) return c;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(path + ": cannot read the configuration file");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return c;
  const std::string& f = path;

  auto groups = [&](std::map<std::string, std::string>& into) {
    return [&, &into = into](const std::string& key, const YAML::Node& n) {
      if (!n.IsMap()) fail(f, n, key, "expected a mapping of NAME: expression");
      for (const auto& kv : n) into[kv.first.as<std::string>()] = scalar(f, key + "." + kv.first.as<std::string>(), kv.second);
    };
  };
  auto timeouts = [&](FlowTimeouts::Pair& p) {
    return [&, &p = p](const std::string& key, const YAML::Node& n) {
      eachKey(f, n, key,
              {{"new", [&](const std::string& k, const YAML::Node& v) { p.new_s = seconds(f, k, v); }},
               {"established", [&](const std::string& k, const YAML::Node& v) { p.established_s = seconds(f, k, v); }},
               {"closed", [&](const std::string& k, const YAML::Node& v) { p.closed_s = seconds(f, k, v); }}});
    };
  };
  auto size = [&](size_t& into) {
    return [&, &into = into](const std::string& key, const YAML::Node& n) { into = parseSize(key, scalar(f, key, n)); };
  };
  // Files are named relative to the configuration file.
  auto file = [&](std::string& into) {
    return [&, &into = into](const std::string& k, const YAML::Node& v) {
      std::filesystem::path p = v.IsNull() ? "" : scalar(f, k, v);
      into = p.empty() || p.is_absolute() ? p.string() : (std::filesystem::path(f).parent_path() / p).string();
    };
  };
  FlowTimeouts& t = c.worker.flows.timeouts;

  eachKey(f, root, "",
          {{"vars", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key, {{"address-groups", groups(c.address_groups)}, {"port-groups", groups(c.port_groups)}});
            }},
           {"flow", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key,
                      {{"memcap", size(c.flow_memcap)},
                       {"timeouts", [&](const std::string& k, const YAML::Node& v) {
                          eachKey(f, v, k, {{"tcp", timeouts(t.tcp)}, {"udp", timeouts(t.udp)},
                                            {"icmp", timeouts(t.icmp)}, {"default", timeouts(t.other)}});
                        }}});
            }},
           {"stream", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key, {{"memcap", size(c.worker.tcp.pool_bytes)},
                                  {"max-buffered-per-stream", size(c.worker.tcp.max_buffered_per_stream)},
                                  {"reassembly-depth", size(c.worker.tcp.depth)}});
            }},
           {"defrag", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key, {{"memcap", size(c.worker.frag.max_bytes)},
                                  {"timeout", [&](const std::string& k, const YAML::Node& v) {
                                     c.worker.frag.timeout_us = TimeUs(seconds(f, k, v)) * 1000000;
                                   }}});
            }},
           {"capture", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key,
                      {{"bpf-filter", [&](const std::string& k, const YAML::Node& v) { c.live.bpf_filter = scalar(f, k, v); }},
                       {"snaplen", [&](const std::string& k, const YAML::Node& v) {
                          int s = 0;
                          try { s = v.as<int>(); } catch (const YAML::Exception&) { fail(f, v, k, "expected a number"); }
                          if (s < 64 || s > 262144) fail(f, v, k, "must be between 64 and 262144");
                          c.live.snaplen = s;
                        }},
                       {"promiscuous", [&](const std::string& k, const YAML::Node& v) {
                          try { c.live.promiscuous = v.as<bool>(); } catch (const YAML::Exception&) { fail(f, v, k, "expected true or false"); }
                        }},
                       {"buffer-size", [&](const std::string& k, const YAML::Node& v) {
                          c.live.buffer_mb = static_cast<int>(parseSize(k, scalar(f, k, v)) >> 20);
                        }}});
            }},
           {"detect", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key, {{"cache-dir", [&](const std::string& k, const YAML::Node& v) {
                                     c.rule_cache_dir = v.IsNull() ? "" : scalar(f, k, v);
                                   }}});
            }},
           {"app-layer", [&](const std::string& key, const YAML::Node& n) {
              NdpiFiles& files = c.app_identifier.files;
              eachKey(f, n, key,
                      {{"enabled", [&](const std::string& k, const YAML::Node& v) {
                          try { c.app_layer = v.as<bool>(); } catch (const YAML::Exception&) { fail(f, v, k, "expected true or false"); }
                        }},
                       {"ndpi", [&](const std::string& k, const YAML::Node& v) {
                          eachKey(f, v, k, {{"protocols-file", file(files.protocols)},
                                            {"categories-file", file(files.categories)},
                                            {"risky-domains-file", file(files.risky_domains)},
                                            {"ja3-file", file(files.malicious_ja3)},
                                            {"sha1-file", file(files.malicious_sha1)}});
                        }},
                       {"http", [&](const std::string& k, const YAML::Node& v) {
                          HttpParser::Config& http = c.app_parsers.http;
                          eachKey(f, v, k, {{"request-body-limit", size(http.request_body_depth)},
                                            {"response-body-limit", size(http.response_body_depth)}});
                        }}});
            }},
           {"correlate", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key,
                      {{"incident-inactivity", [&](const std::string& k, const YAML::Node& v) {
                          c.incidents.inactivity = TimeUs(seconds(f, k, v)) * 1000000;
                        }},
                       {"max-open-incidents", [&](const std::string& k, const YAML::Node& v) {
                          c.incidents.max_open_incidents = capValue(f, k, v, 10'000'000);
                        }},
                       {"max-groups-per-rule", [&](const std::string& k, const YAML::Node& v) {
                          c.correlation.max_groups_per_rule = capValue(f, k, v, 10'000'000);
                        }},
                       {"max-events-per-group", [&](const std::string& k, const YAML::Node& v) {
                          c.correlation.max_events_per_group = capValue(f, k, v, 1'000'000);
                        }},
                       {"store", file(c.incident_store)},
                       {"store-retention-days", [&](const std::string& k, const YAML::Node& v) {
                          long days = -1;
                          try {
                            days = v.as<long>();
                          } catch (const YAML::Exception&) {
                          }
                          if (days < 0 || days > 36500) {
                            fail(f, v, k, "must be a whole number of days from 0 (keep everything) to 36500");
                          }
                          c.incident_store_retention = TimeUs(days) * 86400 * 1000000;
                        }}});
            }},
           {"bus", [&](const std::string& key, const YAML::Node& n) {
              std::optional<CurveKeyPair> own;
              std::vector<AllowedKey> subscribers;
              eachKey(f, n, key,
                      {{"key", [&](const std::string& k, const YAML::Node& v) {
                          std::string path;
                          file(path)(k, v);
                          if (path.empty()) return;
                          try {
                            own = readSecretKeyFile(path);
                          } catch (const KeyError& e) {
                            fail(f, v, k, e.what());
                          }
                        }},
                       {"subscribers", [&](const std::string& k, const YAML::Node& v) {
                          if (v.IsNull()) return;
                          if (!v.IsSequence()) fail(f, v, k, "expected a list of subscribers, each with a name and a key");
                          std::set<std::string> names;
                          std::map<std::string, std::string> name_by_key;
                          for (size_t i = 0; i < v.size(); ++i) {
                            const YAML::Node item = v[i];
                            const std::string at = k + "[" + std::to_string(i) + "]";
                            AllowedKey allowed;
                            eachKey(f, item, at,
                                    {{"name", [&](const std::string& k2, const YAML::Node& v2) { allowed.user_id = scalar(f, k2, v2); }},
                                     {"key", [&](const std::string& k2, const YAML::Node& v2) {
                                        try {
                                          allowed.public_key = readPublicKey(scalar(f, k2, v2), std::filesystem::path(f).parent_path().string());
                                        } catch (const KeyError& e) {
                                          fail(f, v2, k2, e.what());
                                        }
                                      }}});
                            if (allowed.user_id.empty()) fail(f, item, at + ".name", "each subscriber needs a name (logs and counters use it)");
                            if (allowed.public_key.empty()) fail(f, item, at + ".key", "each subscriber needs its public key");
                            if (!names.insert(allowed.user_id).second) fail(f, item, at + ".name", "'" + allowed.user_id + "' is listed twice");
                            auto [it, added] = name_by_key.emplace(allowed.public_key, allowed.user_id);
                            if (!added) fail(f, item, at + ".key", "the same key as subscriber '" + it->second + "'");
                            subscribers.push_back(std::move(allowed));
                          }
                        }}});
              if (!own && !subscribers.empty()) {
                fail(f, n, key + ".key", "bus.subscribers needs the bus's own key pair: set bus.key (`mamori keys generate`)");
              }
              if (own) c.bus_security = BusSecurity{std::move(*own), std::move(subscribers)};
            }},
           {"stats-interval", [&](const std::string& key, const YAML::Node& n) { c.stats_interval_s = seconds(f, key, n); }}});
  return c;
}

}  // namespace mamori
