#pragma once
// What `mamori central` runs with: central.yaml, read by apps/central_config, as plain
// values. docs/deployment.md describes each setting.
#include <string>
#include <vector>

#include "auth/curve_key.h"
#include "correlate/correlation_engine.h"
#include "correlate/incident_manager.h"
#include "rules/rule_variables.h"

namespace mamori {

// A key on one of the central's allowlists.
struct AllowedPeer {
  std::string name;
  std::string public_key;  // Z85
};

struct CentralOptions {
  std::string name;                              // the central's own name: `host` of what it raises
  std::string listen = "tcp://127.0.0.1:7770";   // sensors and rule authors (ROUTER, CURVE)
  std::string bus = "tcp://127.0.0.1:7771";      // XPUB for subscribers (CURVE); "" for none
  CurveKeyPair key;                              // the central's key pair
  std::vector<AllowedPeer> sensors, authors, subscribers;
  std::string store;                             // SQLite: incidents, checkpoint, rule sets, audit
  std::string eve;                               // the merged EVE file; "" for none
  std::string metrics;                           // HOST:PORT; "" for none
  double stats_interval_s = 60;                  // the central's own EVE stats record

  // Correlation across sensors: the central's rules (the project's correlate/rules/central
  // plus these paths), engine caps and incident handling.
  std::vector<std::string> correlation;
  std::string central_correlation_dir;
  CorrelationEngineConfig engine;
  IncidentManagerConfig incidents;

  // Checking pushed rule sets exactly as a sensor builds them: the variables (central.yaml
  // `vars`), the sensors' default correlation rules, compiled databases cached here.
  RuleVariables variables;
  std::string sensor_correlation_dir;
  std::string rule_cache_dir;
  size_t keep_rule_sets = 20;  // accepted sets kept for rollback
};

}  // namespace mamori
