#pragma once
// mamori.yaml: everything an operator tunes without recompiling. Unknown keys and bad
// values stop start-up with a message naming the key (ConfigError).
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include <yaml-cpp/yaml.h>

#include "alerting/bus_publisher.h"
#include "alerting/event_output.h"
#include "applayer/app_identifier.h"
#include "applayer/app_parsers.h"
#include "auth/curve_key.h"
#include "capture/capture_engine.h"
#include "capture/pcap_source.h"
#include "capture/worker.h"
#include "console/console_options.h"
#include "correlate/correlation_engine.h"
#include "correlate/incident_manager.h"
#include "rules/rule_variables.h"

namespace mamori {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The sensor's link to a GSOC central (the `central` section; docs/deployment.md).
struct CentralLinkConfig {
  std::string endpoint;  // "" for none; `mamori run --central` overrides it
  std::string server_key;  // the central's public key, pinned (Z85)
  CurveKeyPair key;        // the sensor's own key pair
  std::string spool_dir = "/var/lib/mamori/spool";
  // An hour of alerts at a busy sensor's 100/s, 1 KB each, with room for incidents and stats.
  uint64_t spool_max = uint64_t{512} << 20;
  std::string rules_dir = "/var/lib/mamori/pushed-rules";  // the pushed set a restart starts with
  std::set<EventKind> records = {EventKind::Alert, EventKind::Incident, EventKind::Stats};
  double drain_timeout_s = 10;  // at the end of a run: how long to wait for the central to take the rest
};

struct Config {
  // sensor.name: what every EVE record carries as `host` and every metric as its sensor
  // label, and what incidents name as their sensor; default the host name.
  std::string sensor_name;
  std::map<std::string, std::string> address_groups;  // overrides of the rule variables
  std::map<std::string, std::string> port_groups;
  // IP reputation for iprep rules (reputation-categories-file, reputation-files relative
  // to default-reputation-path), read with the rules.
  ReputationFiles reputation;
  size_t flow_memcap = 128u << 20;  // split evenly over the workers
  // output.max-queued-records: per worker, the records (flow, alert, app) on their way
  // to the output thread; see WorkerEventQueue.
  size_t max_queued_records = 16384;
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
  size_t bus_max_subscribers = BusPublisherOptions().max_subscribers;  // bus.max-subscribers
  // Compiled pattern databases, keyed by the rules they hold; empty disables the cache.
  std::string rule_cache_dir = "/var/cache/mamori";
  // Application-layer identification (nDPI) per flow; off: no app_proto, app rules never match.
  bool app_layer = true;
  AppIdentifier::Config app_identifier;
  AppParsers::Config app_parsers;
  FileStore::Config file_store;  // files.store: where filestore rules keep files
  bool files_force_magic = false;  // files.force-magic: libmagic on every file, not only for filemagic rules
  // app-layer.memcap: nDPI's flow state and the parsers' (AppMemory), split evenly over
  // the workers.
  size_t app_memcap = 128u << 20;
  CentralLinkConfig central;
  // The analysts' console this sensor serves (the `ui` section; `mamori run --ui` too).
  std::optional<ConsoleOptions> ui;

  // Suricata's reassembly depth, 1 MB; the reassembler's own default is no limit.
  static Worker::Config defaultWorker() {
    Worker::Config w;
    w.tcp.depth = 1 << 20;
    return w;
  }

  // Suricata's default variables with the configured overrides.
  RuleVariables ruleVariables() const;

  // Loads and validates `path`; an empty path gives the defaults.
  static Config load(const std::string& path);
  // The same from a document already read; `path` names it in errors and anchors relative paths.
  static Config fromYaml(const std::string& path, const YAML::Node& root);
};

// 1 to 64 characters of A-Z a-z 0-9 . _ -: safe in EVE, metric labels, file names and logs.
bool validSensorName(const std::string& name);
// The machine's host name; "" when it cannot be read.
std::string hostName();

}  // namespace mamori
