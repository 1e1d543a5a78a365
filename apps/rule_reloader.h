#pragma once
// RuleReloader: replaces the running rule set without stopping capture, on the sensor's
// own thread for it. Two ways in:
//   - SIGHUP (request()): the rule files the sensor runs are read again and compiled;
//   - a push from the central (push()): a RuleSetPackage, compiled with this sensor's
//     variables, kept on disk as the set a restart starts with, then its signatures and its
//     correlation rules swapped in, and the outcome reported back to the central.
// A set with any rule that does not load is refused whole and the running set stays: a
// rule author pushing a typo must not silently lose rules. (At start-up, by contrast, the
// rules that load are used, so a sensor always comes up.) The workers switch between two
// packets (RuleSetSlot), the correlation rules between two events (OutputStage).
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "apps/config.h"
#include "correlate/correlation_rule.h"
#include "detect/rule_set_slot.h"
#include "uplink/central_uplink.h"
#include "uplink/rule_set_package.h"

namespace mamori {

class RuleReloader {
 public:
  struct Status {
    uint64_t version = 1;
    uint64_t rules_loaded = 0, rules_failed = 0;
    uint64_t reloads_ok = 0, reloads_refused = 0;
    uint64_t pushes_ok = 0, pushes_refused = 0;
    double last_reload_seconds = 0;
    std::string pushed_version;  // the central's version of the running set; "" for local files
  };

  // Where pushed sets go: the correlation rules to the output stage, the outcome to the
  // central, and the set itself into `keep_dir` (central.rules-dir).
  struct PushTargets {
    std::function<void(CorrelationRuleSet)> swap_correlation;
    std::function<void(RuleSetReport)> report;
    std::string keep_dir;
    std::string default_correlation;  // the project's correlation rules a pushed set adds to
  };

  // `files`: the rule files SIGHUP reads again; `running` the pushed set the sensor started
  // with, if any (SIGHUP then rebuilds that set).
  RuleReloader(std::vector<std::string> files, RuleSetPackage running, const Config& config, RuleSetSlot& slot,
               uint64_t loaded, uint64_t failed, PushTargets targets);
  ~RuleReloader();

  // Async-signal-safe: only sets a flag the reload thread polls.
  void request() { requested_.store(true, std::memory_order_relaxed); }
  // Thread-safe; the set is built on the reload thread.
  void push(RuleSetPackage package);
  Status status() const;

 private:
  void loop();
  void reload();
  void apply(RuleSetPackage package);
  void publish(std::shared_ptr<const SignatureDatabase> database, double seconds);

  std::vector<std::string> files_;
  Config config_;
  RuleSetSlot& slot_;
  PushTargets targets_;
  std::atomic<bool> requested_{false};
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> version_{1}, loaded_, failed_, ok_{0}, refused_{0}, pushes_ok_{0}, pushes_refused_{0};
  std::atomic<double> last_seconds_{0};
  mutable std::mutex mutex_;
  RuleSetPackage running_;             // the pushed set in use (empty: files_)
  std::deque<RuleSetPackage> pushed_;  // waiting to be built
  std::thread thread_;
};

}  // namespace mamori
