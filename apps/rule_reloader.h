#pragma once
// RuleReloader: re-reads the `--rules` paths when asked (SIGHUP), builds the new rule set
// on its own thread, and publishes it to the RuleSetSlot the workers follow. A set with
// any rule that does not load is refused whole and the running set stays: a rule author
// pushing a typo must not silently lose rules. (At start-up, by contrast, the rules that
// load are used, so a sensor always comes up.)
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "apps/config.h"
#include "detect/rule_set_slot.h"

namespace mamori {

class RuleReloader {
 public:
  struct Status {
    uint64_t version = 1;
    uint64_t rules_loaded = 0, rules_failed = 0;
    uint64_t reloads_ok = 0, reloads_refused = 0;
    double last_reload_seconds = 0;
  };

  RuleReloader(std::vector<std::string> paths, const Config& config, RuleSetSlot& slot, uint64_t loaded, uint64_t failed);
  ~RuleReloader();

  // Async-signal-safe: only sets a flag the reload thread polls.
  void request() { requested_.store(true, std::memory_order_relaxed); }
  Status status() const;

 private:
  void loop();
  void reload();

  std::vector<std::string> paths_;
  Config config_;
  RuleSetSlot& slot_;
  std::atomic<bool> requested_{false};
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> version_{1}, loaded_, failed_, ok_{0}, refused_{0};
  std::atomic<double> last_seconds_{0};
  std::thread thread_;
};

}  // namespace mamori
