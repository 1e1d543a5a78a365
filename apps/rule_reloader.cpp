#include "apps/rule_reloader.h"

#include <fmt/format.h>

#include "detect/rule_set_builder.h"
#include "uplink/rule_set_compiler.h"

namespace mamori {

namespace {

void printErrors(const std::vector<std::string>& errors) {
  for (size_t i = 0; i < errors.size() && i < 20; ++i) fmt::print(stderr, "mamori: rule not loaded: {}\n", errors[i]);
  if (errors.size() > 20) fmt::print(stderr, "mamori: ... and {} more rule errors\n", errors.size() - 20);
}

}  // namespace

RuleReloader::RuleReloader(std::vector<std::string> files, RuleSetPackage running, const Config& config,
                           RuleSetSlot& slot, uint64_t loaded, uint64_t failed, PushTargets targets)
    : files_(std::move(files)),
      config_(config),
      slot_(slot),
      targets_(std::move(targets)),
      loaded_(loaded),
      failed_(failed),
      running_(std::move(running)) {
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
  s.pushes_ok = pushes_ok_.load();
  s.pushes_refused = pushes_refused_.load();
  s.last_reload_seconds = last_seconds_.load();
  std::lock_guard lock(mutex_);
  s.pushed_version = running_.version;
  return s;
}

void RuleReloader::push(RuleSetPackage package) {
  std::lock_guard lock(mutex_);
  pushed_.push_back(std::move(package));
}

void RuleReloader::loop() {
  while (!stop_.load()) {
    if (requested_.exchange(false)) reload();
    RuleSetPackage next;
    bool have = false;
    {
      std::lock_guard lock(mutex_);
      if (!pushed_.empty()) {
        next = std::move(pushed_.front());
        pushed_.pop_front();
        have = true;
      }
    }
    if (have) {
      apply(std::move(next));
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void RuleReloader::publish(std::shared_ptr<const SignatureDatabase> database, double seconds) {
  const size_t n = database->size();
  slot_.publish(std::move(database));
  version_.store(slot_.version());
  loaded_.store(n);
  failed_.store(0);
  last_seconds_.store(seconds);
}

void RuleReloader::reload() {
  RuleSources sources;
  std::string what;
  {
    std::lock_guard lock(mutex_);
    if (running_.version.empty()) {
      sources.paths = files_;
      what = "rule files";
    } else {
      for (const RuleSetFile& f : running_.files) {
        if (RuleSetPackage::isSignatureFile(f.name)) sources.texts.emplace_back(f.name, f.text);
      }
      what = "pushed rule set " + running_.version;
    }
  }
  fmt::print(stderr, "mamori: reloading rules ({})\n", what);
  BuiltSignatures built = buildSignatures(sources, config_.ruleVariables(), config_.rule_cache_dir);
  last_seconds_.store(built.seconds);
  if (!built.database || !built.errors.empty()) {
    refused_.fetch_add(1);
    fmt::print(stderr, "mamori: rule reload refused, the running rule set (version {}) stays: {} of {} rules failed\n",
               version_.load(), built.errors.size(), built.parsed + built.errors.size());
    std::vector<std::string> lines;
    for (const RuleError& e : built.errors) lines.push_back(e.toString());
    printErrors(lines);
    return;
  }
  const size_t n = built.database->size();
  publish(std::move(built.database), built.seconds);
  ok_.fetch_add(1);
  fmt::print(stderr, "mamori: rules reloaded: {} rules, version {}, built in {:.3f} s\n", n, version_.load(),
             built.seconds);
}

void RuleReloader::apply(RuleSetPackage package) {
  RuleSetReport report;
  report.version = package.version;
  {
    std::lock_guard lock(mutex_);
    if (package.version == running_.version) {
      // Already running it (a resend after a reconnect): nothing to build.
      report.ok = true;
      report.rules_loaded = loaded_.load();
      if (targets_.report) targets_.report(std::move(report));
      return;
    }
  }
  fmt::print(stderr, "mamori: rule set {} pushed by the central: building it\n", package.version);
  CompiledRuleSet compiled =
      compileRuleSet(package, config_.ruleVariables(), config_.rule_cache_dir, targets_.default_correlation);
  report.build_seconds = compiled.signatures.seconds;
  if (compiled.ok()) {
    try {
      package.saveAsCurrent(targets_.keep_dir);
    } catch (const std::exception& e) {
      compiled.errors.push_back(std::string("cannot keep the rule set for restarts: ") + e.what());
    }
  }
  if (!compiled.ok()) {
    pushes_refused_.fetch_add(1);
    fmt::print(stderr, "mamori: pushed rule set {} refused, the running rule set (version {}) stays: {} problem(s)\n",
               package.version, version_.load(), compiled.errors.size());
    printErrors(compiled.errors);
    report.errors = std::move(compiled.errors);
    if (targets_.report) targets_.report(std::move(report));
    return;
  }
  report.ok = true;
  report.rules_loaded = compiled.signatures.database->size();
  publish(std::move(compiled.signatures.database), compiled.signatures.seconds);
  if (targets_.swap_correlation) targets_.swap_correlation(std::move(*compiled.correlation));
  pushes_ok_.fetch_add(1);
  {
    std::lock_guard lock(mutex_);
    running_ = std::move(package);
  }
  fmt::print(stderr, "mamori: running pushed rule set {}: {} rules, version {}, built in {:.3f} s\n", report.version,
             report.rules_loaded, version_.load(), report.build_seconds);
  if (targets_.report) targets_.report(std::move(report));
}

}  // namespace mamori
