#include "apps/config.h"

#include "apps/ui_config.h"
#include "apps/yaml_fields.h"

#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>

#include "auth/curve_key.h"

namespace mamori {

using namespace yaml_fields;

std::string hostName() {
  char name[HOST_NAME_MAX + 1] = {0};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

bool validSensorName(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

RuleVariables Config::ruleVariables() const {
  RuleVariables vars;
  for (const auto& [name, expr] : address_groups) vars.setAddressGroup(name, expr);
  for (const auto& [name, expr] : port_groups) vars.setPortGroup(name, expr);
  vars.setReputationFiles(reputation);
  return vars;
}

Config Config::load(const std::string& path) {
  return fromYaml(path, path.empty() ? YAML::Node() : yaml_fields::load(path));
}

Config Config::fromYaml(const std::string& path, const YAML::Node& root) {
  Config c;
  c.sensor_name = hostName();
  // The host name stands in for sensor.name only when it would pass as one.
  auto checkSensorName = [&c] {
    if (!validSensorName(c.sensor_name)) {
      throw ConfigError("sensor.name: not set, and the host name '" + c.sensor_name +
                        "' is not a valid sensor name (1 to 64 of A-Z a-z 0-9 . _ -); set sensor.name");
    }
  };
  if (root.IsNull()) {
    checkSensorName();
    return c;
  }
  const std::string& f = path;

  auto groups = [&](std::map<std::string, std::string>& into) {
    return [&, &into = into](const std::string& key, const YAML::Node& n) {
      if (!n.IsMap()) fail(f, n, key, "expected a mapping of NAME: expression");
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) fail(f, kv.first, key, "a key must be a plain name");
        into[kv.first.as<std::string>()] = scalar(f, key + "." + kv.first.as<std::string>(), kv.second);
      }
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
    return [&, &into = into](const std::string& key, const YAML::Node& n) { into = sizeValue(f, key, n); };
  };
  // Files are named relative to the configuration file.
  auto file = [&](std::string& into) {
    return [&, &into = into](const std::string& k, const YAML::Node& v) { into = yaml_fields::path(f, k, v); };
  };
  // nDPI reads its data files to the end, however long, in every worker: one that is not a
  // plain file (a FIFO, /dev/zero) would hang start-up, and a huge one would fill memory.
  auto ndpiFile = [&](std::string& into) {
    return [&, &into = into](const std::string& k, const YAML::Node& v) {
      constexpr uintmax_t kMax = uintmax_t{64} << 20;
      into = yaml_fields::path(f, k, v);
      if (into.empty()) return;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(into, ec)) fail(f, v, k, "'" + into + "' is not a readable regular file");
      if (std::filesystem::file_size(into, ec) > kMax) fail(f, v, k, "'" + into + "' is larger than 64mb");
    };
  };
  FlowTimeouts& t = c.worker.flows.timeouts;
  std::string reputation_dir;
  std::vector<std::string> reputation_lists;
  YAML::Node reputation_node;

  eachKey(f, root, "",
          {{"sensor", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key, {{"name", [&](const std::string& k, const YAML::Node& v) {
                                     c.sensor_name = scalar(f, k, v);
                                     if (!validSensorName(c.sensor_name)) {
                                       fail(f, v, k, "'" + c.sensor_name +
                                                         "' is not a valid sensor name (1 to 64 of A-Z a-z 0-9 . _ -)");
                                     }
                                   }}});
            }},
           {"vars", [&](const std::string& key, const YAML::Node& n) {
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
           {"output", [&](const std::string& key, const YAML::Node& n) {
              eachKey(f, n, key, {{"max-queued-records", [&](const std::string& k, const YAML::Node& v) {
                                     c.max_queued_records = capValue(f, k, v, 10'000'000);
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
                          c.live.promiscuous = boolean(f, k, v);
                        }},
                       {"buffer-size", [&](const std::string& k, const YAML::Node& v) {
                          c.live.buffer_mb = static_cast<int>(sizeValue(f, k, v) >> 20);
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
                          c.app_layer = boolean(f, k, v);
                        }},
                       {"memcap", size(c.app_memcap)},
                       {"ndpi", [&](const std::string& k, const YAML::Node& v) {
                          eachKey(f, v, k, {{"protocols-file", ndpiFile(files.protocols)},
                                            {"categories-file", ndpiFile(files.categories)},
                                            {"risky-domains-file", ndpiFile(files.risky_domains)},
                                            {"ja3-file", ndpiFile(files.malicious_ja3)},
                                            {"sha1-file", ndpiFile(files.malicious_sha1)}});
                        }},
                       {"http", [&](const std::string& k, const YAML::Node& v) {
                          HttpParser::Config& http = c.app_parsers.http;
                          HttpRangeStore::Config& ranges = c.app_parsers.http_ranges;
                          eachKey(f, v, k, {{"request-body-limit", size(http.request_body_depth)},
                                            {"response-body-limit", size(http.response_body_depth)},
                                            {"byterange", [&](const std::string& k2, const YAML::Node& v2) {
                                               eachKey(f, v2, k2,
                                                       {{"memcap", size(ranges.memcap)},
                                                        {"max-file-size", [&](const std::string& k3, const YAML::Node& v3) {
                                                           ranges.max_file_bytes = sizeValue(f, k3, v3);
                                                         }},
                                                        {"timeout", [&](const std::string& k3, const YAML::Node& v3) {
                                                           ranges.timeout = TimeUs(seconds(f, k3, v3)) * 1000000;
                                                         }}});
                                             }}});
                        }},
                       {"websocket", [&](const std::string& k, const YAML::Node& v) {
                          AppProtocolLimits& limits = c.app_parsers.protocol_limits;
                          eachKey(f, v, k, {{"max-payload-size", size(limits.websocket_max_payload)}});
                        }},
                       {"mqtt", [&](const std::string& k, const YAML::Node& v) {
                          AppProtocolLimits& limits = c.app_parsers.protocol_limits;
                          eachKey(f, v, k, {{"max-msg-length", size(limits.mqtt_max_message)}});
                        }}});
            }},
           {"files", [&](const std::string& key, const YAML::Node& n) {
              FileTracker::Config& files = c.app_parsers.file_limits;
              eachKey(f, n, key,
                      {{"enabled", [&](const std::string& k, const YAML::Node& v) {
                          c.app_parsers.files = boolean(f, k, v);
                        }},
                       {"max-open-files", [&](const std::string& k, const YAML::Node& v) {
                          files.max_open_files = static_cast<uint32_t>(capValue(f, k, v, 1'000'000));
                        }},
                       {"max-files-per-flow", [&](const std::string& k, const YAML::Node& v) {
                          files.max_files_per_flow = static_cast<uint32_t>(capValue(f, k, v, 1'000'000));
                        }},
                       {"hashes", [&](const std::string& k, const YAML::Node& v) {
                          if (!v.IsSequence()) fail(f, v, k, "expected a list of md5, sha1, sha256");
                          files.hashes = 0;
                          for (const auto& item : v) {
                            const std::string name = scalar(f, k, item);
                            if (name == "md5") files.hashes |= file_hash::kMd5;
                            else if (name == "sha1") files.hashes |= file_hash::kSha1;
                            else if (name == "sha256") files.hashes |= file_hash::kSha256;
                            else fail(f, item, k, "unknown hash '" + name + "' (md5, sha1, sha256)");
                          }
                        }},
                       {"max-hash-size", [&](const std::string& k, const YAML::Node& v) {
                          files.max_hash_bytes = sizeValue(f, k, v);
                        }},
                       {"magic-bytes", size(files.magic_bytes)},
                       {"force-magic", [&](const std::string& k, const YAML::Node& v) {
                          c.files_force_magic = boolean(f, k, v);
                        }},
                       {"store", [&](const std::string& k, const YAML::Node& v) {
                          eachKey(f, v, k, {{"dir", file(c.file_store.dir)},
                                            {"max-size", [&](const std::string& k2, const YAML::Node& v2) {
                                               c.file_store.max_bytes = sizeValue(f, k2, v2);
                                             }}});
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
                       {"memcap", size(c.correlation.memcap)},
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
           {"central", [&](const std::string& key, const YAML::Node& n) {
              CentralLinkConfig& central = c.central;
              std::optional<YAML::Node> server_key_node, key_node;
              eachKey(f, n, key,
                      {{"endpoint", [&](const std::string& k, const YAML::Node& v) { central.endpoint = scalar(f, k, v); }},
                       {"server-key", [&](const std::string&, const YAML::Node& v) { server_key_node = v; }},
                       {"key", [&](const std::string&, const YAML::Node& v) { key_node = v; }},
                       {"spool-dir", file(central.spool_dir)},
                       {"spool-max", [&](const std::string& k, const YAML::Node& v) {
                          central.spool_max = sizeValue(f, k, v);
                          if (central.spool_max < (uint64_t{1} << 20)) fail(f, v, k, "must be at least 1mb");
                        }},
                       {"rules-dir", file(central.rules_dir)},
                       {"records", [&](const std::string& k, const YAML::Node& v) {
                          if (!v.IsSequence()) fail(f, v, k, "expected a list of event types");
                          central.records.clear();
                          for (const auto& item : v) {
                            const std::string name = scalar(f, k, item);
                            const auto kind = eventKindFromName(name);
                            if (!kind) fail(f, item, k, "unknown event type '" + name + "' (alert, incident, stats, flow, http, dns, tls, ssh, fileinfo)");
                            central.records.insert(*kind);
                          }
                        }},
                       {"drain-timeout", [&](const std::string& k, const YAML::Node& v) {
                          central.drain_timeout_s = seconds(f, k, v);
                        }}});
              // Keys are read now, so that a bad one stops start-up naming its setting.
              if (server_key_node) {
                const std::string k = key + ".server-key";
                try {
                  central.server_key = readPublicKey(scalar(f, k, *server_key_node), std::filesystem::path(f).parent_path().string());
                } catch (const KeyError& e) {
                  fail(f, *server_key_node, k, e.what());
                }
              }
              if (key_node) {
                const std::string k = key + ".key";
                try {
                  central.key = readSecretKeyFile(yaml_fields::path(f, k, *key_node));
                } catch (const KeyError& e) {
                  fail(f, *key_node, k, e.what());
                }
              }
              if (!central.endpoint.empty() && (central.server_key.empty() || central.key.secret_key.empty())) {
                fail(f, n, key, "a central endpoint needs server-key (the central's public key) and key (this sensor's key pair)");
              }
            }},
           {"ui", [&](const std::string& key, const YAML::Node& n) { readUiSection(f, n, key, c.ui.emplace()); }},
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
                       {"max-subscribers", [&](const std::string& k, const YAML::Node& v) {
                          c.bus_max_subscribers = capValue(f, k, v, 4096);
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
           {"stats-interval", [&](const std::string& key, const YAML::Node& n) { c.stats_interval_s = seconds(f, key, n); }},
           {"reputation-categories-file", file(c.reputation.categories)},
           {"default-reputation-path", file(reputation_dir)},
           {"reputation-files", [&](const std::string& key, const YAML::Node& n) {
              if (!n.IsSequence()) fail(f, n, key, "expected a list of reputation files");
              for (const auto& item : n) reputation_lists.push_back(scalar(f, key, item));
              reputation_node = n;
            }}});
  // As in Suricata, reputation files are named relative to default-reputation-path.
  for (const std::string& list : reputation_lists) {
    std::filesystem::path p(list);
    if (p.is_relative()) p = (reputation_dir.empty() ? std::filesystem::path(f).parent_path() : std::filesystem::path(reputation_dir)) / p;
    c.reputation.lists.push_back(p.string());
  }
  if (!c.reputation.lists.empty() && c.reputation.categories.empty()) {
    fail(f, reputation_node, "reputation-files", "reputation files need reputation-categories-file too");
  }
  checkSensorName();
  return c;
}

}  // namespace mamori
