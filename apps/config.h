#pragma once
// mamori.yaml: everything an operator tunes without recompiling. Unknown keys and bad
// values stop start-up with a message naming the key (ConfigError).
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "alerting/bus_publisher.h"
#include "applayer/app_identifier.h"
#include "applayer/app_parsers.h"
#include "capture/capture_engine.h"
#include "capture/pcap_source.h"
#include "capture/worker.h"
#include "correlate/correlation_engine.h"
#include "correlate/incident_manager.h"

namespace mamori {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Config {
  std::map<std::string, std::string> address_groups;  // overrides of the rule variables
  std::map<std::string, std::string> port_groups;
  size_t flow_memcap = 128u << 20;  // split evenly over the workers
  Worker::Config worker = defaultWorker();  // per-worker limits (stream and defrag memcaps are per worker)
  LiveOptions live;
  CorrelationEngineConfig correlation;  // its caps (correlate.max-groups-per-rule, ...)
  IncidentManagerConfig incidents;      // inactivity, max-open-incidents
  // The incident store (SQLite); empty: incidents are not stored.
  std::string incident_store = "/var/lib/mamori/incidents.db";
  // Closed incidents whose last activity lies this far before the newest closed one are
  // removed from the store with their history; 0 keeps everything.
  TimeUs incident_store_retention = 0;
  double stats_interval_s = 0;  // 0: a stats record only at the end
  // The bus's CURVE key pair and the subscribers allowed in (bus.key, bus.subscribers),
  // keys read and checked at load; empty: an open bus, which may bind loopback only.
  std::optional<BusSecurity> bus_security;
  // Compiled pattern databases, keyed by the rules they hold; empty disables the cache.
  std::string rule_cache_dir = "/var/cache/mamori";
  // Application-layer identification (nDPI) per flow; off: no app_proto, app rules never match.
  bool app_layer = true;
  AppIdentifier::Config app_identifier;
  AppParsers::Config app_parsers;

  // Suricata's reassembly depth, 1 MB; the reassembler's own default is no limit.
  static Worker::Config defaultWorker() {
    Worker::Config w;
    w.tcp.depth = 1 << 20;
    return w;
  }

  // Loads and validates `path`; an empty path gives the defaults.
  static Config load(const std::string& path);
};

// "64mb", "1gb", "4096", "512kb" -> bytes; throws ConfigError naming `key`.
size_t parseSize(const std::string& key, const std::string& text);

}  // namespace mamori
