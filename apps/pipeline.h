#pragma once
// The composition root of `mamori run`: builds every stage from the options and the
// configuration, wires them (capture -> detect -> correlate -> alerting), runs until
// the input ends or a signal stops it, and reports.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/config.h"
#include "capture/packet_source.h"
#include "correlate/correlation_rule.h"
#include "detect/signature_database.h"
#include "uplink/rule_set_package.h"

namespace mamori {

struct RunOptions {
  std::string pcap;
  std::string interface;
  std::vector<std::string> rules;  // empty: the default rules
  std::vector<std::string> correlation;  // correlation rule files or folders, besides the defaults
  // The incident store: this file; empty: the configuration's correlate.store for a live
  // interface, none for a capture file (a replay neither resumes nor adds to a sensor's
  // incidents unless told to).
  std::string store;
  std::string config;
  int workers = 0;                 // 0: one per CPU
  std::string eve;                 // path, "-" for stdout, empty for none
  std::string bus;                 // ZeroMQ endpoint to bind, empty for none
  std::string metrics;             // HOST:PORT, empty for none
  std::string central;             // the central's endpoint; empty: central.endpoint of the config
  std::string ui;                  // HOST:PORT of the console; empty: ui.listen when the config has a ui section
  std::string ui_accounts;         // its accounts file; empty: ui.accounts
  double stats_interval_s = -1;    // <0: from the config
  int bus_wait_ms = 1000;          // pcap runs: how long to wait for a first subscriber
  bool summary = true;
};

// Exit codes: 0 ok, 1 bad usage or configuration, 2 unreadable input (bad capture file,
// unknown interface) — records for what was read before a file turned out truncated are
// still written.
int runPipeline(const RunOptions& options);

// The rule set a run starts with: built from the rule files, or the set the central pushed
// last (kept in central.rules-dir), which a restarted sensor runs instead of its files.
struct StartingRules {
  std::shared_ptr<const SignatureDatabase> signatures;
  size_t failed = 0;        // rules that did not load (reported in stats and metrics)
  RuleSetPackage pushed;    // the pushed set; no version when the files are used
  std::optional<CorrelationRuleSet> correlation;  // the pushed set's; unset: defaults + --correlation
};

// The same on a source the caller opened (benchmarks replay captures from memory), with
// rules already built.
int runPipelineOn(const RunOptions& options, const Config& config, StartingRules rules, PacketSource& source,
                  const std::string& input);

}  // namespace mamori
