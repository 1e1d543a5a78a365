#include "apps/rule_reloader.h"

#include <fmt/format.h>

#include "apps/rule_loading.h"

namespace mamori {

RuleReloader::RuleReloader(std::vector<std::string> paths, const Config& config, RuleSetSlot& slot, uint64_t loaded,
                           uint64_t failed)
    : paths_(std::move(paths)), config_(config), slot_(slot), loaded_(loaded), failed_(failed) {
  thread_ = std::thread([this] { loop(); });
}

RuleReloader::~RuleReloader() {
  stop_.store(true);
  thread_.join();
}

RuleReloader::Status RuleReloader::status() const {
  Status s;
  s.version = version_.load();
  s.rules_loaded = loaded_.load();
  s.rules_failed = failed_.load();
  s.reloads_ok = ok_.load();
  s.reloads_refused = refused_.load();
  s.last_reload_seconds = last_seconds_.load();
  return s;
}

void RuleReloader::loop() {
  while (!stop_.load()) {
    if (requested_.exchange(false)) reload();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void RuleReloader::reload() {
  auto started = std::chrono::steady_clock::now();
  fmt::print(stderr, "mamori: reloading rules\n");
  ParsedRules parsed = loadRules(paths_, config_);
  size_t parsed_ok = parsed.rules.size();
  HsDatabaseCache cache(config_.rule_cache_dir);
  auto database = SignatureDatabase::build(std::move(parsed.rules), parsed.errors, &cache);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  last_seconds_.store(seconds);
  if (!database || !parsed.errors.empty()) {
    refused_.fetch_add(1);
    fmt::print(stderr, "mamori: rule reload refused, the running rule set (version {}) stays: {} of {} rules failed\n",
               version_.load(), parsed.errors.size(), parsed_ok + parsed.errors.size());
    for (size_t i = 0; i < parsed.errors.size() && i < 20; ++i) {
      fmt::print(stderr, "mamori: rule not loaded: {}\n", parsed.errors[i].toString());
    }
    return;
  }
  size_t n = database->size();
  slot_.publish(std::move(database));
  version_.store(slot_.version());
  loaded_.store(n);
  failed_.store(0);
  ok_.fetch_add(1);
  fmt::print(stderr, "mamori: rules reloaded: {} rules, version {}, built in {:.3f} s\n", n, version_.load(), seconds);
}

}  // namespace mamori
