#include "central/rule_set_distributor.h"

#include <fmt/format.h>

#include "uplink/rule_set_compiler.h"

namespace mamori {

namespace {

// An author's `rules push` is answered for this long after its push; later outcomes are
// only in the audit trail.
constexpr int64_t kWaitUs = int64_t{15} * 60 * 1000000;

link::Frames message(std::string_view command) {
  link::Frames m;
  m.push_back(link::frame(command));
  return m;
}

}  // namespace

RuleSetDistributor::RuleSetDistributor(const CentralOptions& options, CentralStore& store, SensorRegistry& sensors,
                                       Send send)
    : options_(options), store_(store), sensors_(sensors), send_(std::move(send)) {
  current_ = store_.currentVersion();
  if (!current_.empty()) {
    current_package_ = store_.loadRuleSet(current_);
    if (!current_package_) {
      fmt::print(stderr, "mamori: central: the current rule set {} is no longer kept; sensors keep what they run\n",
                 current_);
      current_.clear();
    }
  }
  compiler_ = std::thread([this] { compileLoop(); });
}

RuleSetDistributor::~RuleSetDistributor() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  compiler_.join();
}

RuleSetDistributorCounters RuleSetDistributor::counters() const {
  return {accepted_.load(), refused_rules_.load(), refused_malformed_.load(), refused_unknown_.load(),
          sensor_ok_.load(), sensor_refused_.load()};
}

std::string RuleSetDistributor::fingerprintOf(const std::string& author) const {
  for (const AllowedPeer& a : options_.authors) {
    if (a.name == author) return keyFingerprint(a.public_key);
  }
  return "";
}

void RuleSetDistributor::refuse(const std::string& routing_id, const std::vector<std::string>& errors) {
  link::JsonFrame body;
  link::writeErrors(body.writer(), errors);
  link::Frames m = message(link::cmd::kPushRefused);
  m.push_back(body.done());
  send_(routing_id, m);
}

void RuleSetDistributor::onPush(const std::string& routing_id, const std::string& author,
                                const link::Frames& request) {
  Job job;
  job.routing_id = routing_id;
  job.author = author;
  auto meta = request.size() >= 2 ? link::readJson(request[1]) : std::nullopt;
  auto files = link::readFiles(request, 2);
  std::string why = !meta || !files ? "malformed PUSH request" : "";
  if (why.empty()) {
    job.package.comment = link::jsonString(*meta, "comment").substr(0, 4096);
    job.package.files = std::move(*files);
    why = job.package.validate();
  }
  if (!why.empty()) {
    refused_malformed_.fetch_add(1);
    refuse(routing_id, {why});
    return;
  }
  fmt::print(stderr, "mamori: central: push from author '{}' ({} files): checking it\n", author,
             job.package.files.size());
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void RuleSetDistributor::compileLoop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !queued_.empty(); });
      if (stop_) return;
      job = std::move(queued_.front());
      queued_.pop_front();
    }
    CompiledRuleSet compiled = compileRuleSet(job.package, options_.variables, options_.rule_cache_dir,
                                              options_.sensor_correlation_dir);
    job.ok = compiled.ok();
    job.errors = std::move(compiled.errors);
    job.rules = compiled.signatures.database ? compiled.signatures.database->size() : 0;
    job.seconds = compiled.signatures.seconds;
    std::lock_guard lock(mutex_);
    done_.push_back(std::move(job));
  }
}

void RuleSetDistributor::poll() {
  std::deque<Job> done;
  {
    std::lock_guard lock(mutex_);
    done.swap(done_);
  }
  for (Job& job : done) finish(job);
  const int64_t now = SensorRegistry::nowUs();
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    it = now - it->second.since_us > kWaitUs ? waiting_.erase(it) : std::next(it);
  }
}

void RuleSetDistributor::finish(Job& job) {
  if (!job.ok) {
    refused_rules_.fetch_add(1);
    fmt::print(stderr, "mamori: central: push from author '{}' refused: {} problem(s), first: {}\n", job.author,
               job.errors.size(), job.errors.empty() ? "" : job.errors.front());
    PushRecord audit;
    audit.time_us = SensorRegistry::nowUs();
    audit.kind = "push";
    audit.author = job.author;
    audit.author_fingerprint = fingerprintOf(job.author);
    audit.comment = job.package.comment;
    audit.result = "refused";
    audit.errors = job.errors;
    try {
      store_.addPush(audit);
    } catch (const std::exception& e) {
      fmt::print(stderr, "mamori: central: {}\n", e.what());
    }
    refuse(job.routing_id, job.errors);
    return;
  }
  try {
    const uint64_t sequence = store_.nextRuleSetSequence();
    job.package.version = RuleSetPackage::makeVersion(sequence, job.package.contentHash());
    store_.saveRuleSet(job.package, sequence, job.author, fingerprintOf(job.author), SensorRegistry::nowUs());
  } catch (const std::exception& e) {
    refuse(job.routing_id, {std::string("the central cannot keep the rule set: ") + e.what()});
    return;
  }
  fmt::print(stderr, "mamori: central: rule set {} from author '{}' accepted: {} rules, built in {:.2f} s\n",
             job.package.version, job.author, job.rules, job.seconds);
  distribute(job.routing_id, job.author, "push", job.package);
}

void RuleSetDistributor::onRollback(const std::string& routing_id, const std::string& author,
                                    const rapidjson::Document& body) {
  const std::string version = link::jsonString(body, "version");
  std::optional<RuleSetPackage> package;
  try {
    package = store_.loadRuleSet(version);
  } catch (const std::exception& e) {
    refuse(routing_id, {e.what()});
    return;
  }
  if (!package) {
    refused_unknown_.fetch_add(1);
    refuse(routing_id, {"no kept rule set has version '" + version + "' (see `mamori rules status`)"});
    return;
  }
  fmt::print(stderr, "mamori: central: author '{}' rolls back to rule set {}\n", author, version);
  package->comment = link::jsonString(body, "comment").substr(0, 4096);
  distribute(routing_id, author, "rollback", *package);
}

void RuleSetDistributor::distribute(const std::string& routing_id, const std::string& author, const std::string& kind,
                                    const RuleSetPackage& package) {
  PushRecord audit;
  audit.time_us = SensorRegistry::nowUs();
  audit.kind = kind;
  audit.author = author;
  audit.author_fingerprint = fingerprintOf(author);
  audit.comment = package.comment;
  audit.version = package.version;
  audit.result = "accepted";
  uint64_t push_id = 0;
  try {
    push_id = store_.addPush(audit);
    store_.setCurrentVersion(package.version);
    store_.pruneRuleSets(options_.keep_rule_sets, package.version);
  } catch (const std::exception& e) {
    refuse(routing_id, {std::string("the central cannot record the push: ") + e.what()});
    return;
  }
  accepted_.fetch_add(1);
  current_ = package.version;
  current_package_ = package;
  std::vector<std::string> sent, offline;
  const auto linked = sensors_.connected(SensorRegistry::nowUs());
  for (const SensorState& s : sensors_.snapshot()) {
    const bool up = std::find(linked.begin(), linked.end(), s.name) != linked.end();
    (up && sendRuleSet(s.name, package) ? sent : offline).push_back(s.name);
  }
  waiting_[push_id] = Waiting{routing_id, package.version, SensorRegistry::nowUs()};
  link::Frames m = message(link::cmd::kPushAccepted);
  m.push_back(link::JsonFrame().str("version", package.version).strings("sensors", sent).strings("offline", offline).done());
  send_(routing_id, m);
}

bool RuleSetDistributor::sendRuleSet(const std::string& sensor, const RuleSetPackage& package) {
  std::string routing_id;
  sensors_.update(sensor, [&](SensorState& s) { routing_id = s.linked ? s.routing_id : ""; });
  if (routing_id.empty()) return false;
  link::Frames m = message(link::cmd::kRuleSet);
  m.push_back(link::JsonFrame().str("version", package.version).str("comment", package.comment).done());
  link::appendFiles(m, package);
  return send_(routing_id, m);
}

void RuleSetDistributor::onLinked(const std::string& sensor, const std::string& version) {
  if (!current_package_ || version == current_) return;
  try {
    if (store_.refused(sensor, current_)) return;  // it said why once; a new push tries again
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: central: {}\n", e.what());
  }
  sendRuleSet(sensor, *current_package_);
}

void RuleSetDistributor::onResult(const std::string& sensor, const rapidjson::Document& body) {
  PushRecord::SensorResult r;
  r.sensor = sensor;
  const std::string version = link::jsonString(body, "version");
  r.result = link::jsonString(body, "result") == "ok" ? "ok" : "refused";
  r.rules_loaded = link::jsonUint(body, "rules_loaded");
  r.build_seconds = link::jsonDouble(body, "build_seconds");
  r.errors = link::jsonStrings(body, "errors");
  r.time_us = SensorRegistry::nowUs();
  (r.result == "ok" ? sensor_ok_ : sensor_refused_).fetch_add(1);
  sensors_.update(sensor, [&](SensorState& s) {
    if (r.result == "ok") s.rules_version = version;
    s.last_rules_result = r.result + " " + version;
  });
  if (r.result == "ok") {
    fmt::print(stderr, "mamori: central: sensor '{}' runs rule set {} ({} rules, built in {:.2f} s)\n", sensor, version,
               r.rules_loaded, r.build_seconds);
  } else {
    fmt::print(stderr, "mamori: central: sensor '{}' refused rule set {}: {}\n", sensor, version,
               r.errors.empty() ? "no reason given" : r.errors.front());
  }
  uint64_t push_id = 0;
  try {
    push_id = store_.latestPushOf(version);
    if (push_id) store_.addPushResult(push_id, r);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: central: {}\n", e.what());
  }
  auto it = waiting_.find(push_id);
  if (it == waiting_.end()) return;
  link::JsonFrame out;
  out.str("sensor", sensor).str("version", version).str("result", r.result).num("rules_loaded", r.rules_loaded)
      .real("build_seconds", r.build_seconds);
  link::writeErrors(out.writer(), r.errors);
  link::Frames m = message(link::cmd::kPushResult);
  m.push_back(out.done());
  send_(it->second.routing_id, m);
}

void RuleSetDistributor::onStatus(const std::string& routing_id) {
  link::JsonFrame body;
  body.str("current", current_);
  auto& w = body.writer();
  w.Key("versions");
  w.StartArray();
  try {
    for (const StoredRuleSet& r : store_.ruleSets()) {
      w.StartObject();
      w.Key("version");
      w.String(r.version.c_str());
      w.Key("created_us");
      w.Int64(r.created_us);
      w.Key("author");
      w.String(r.author.c_str());
      w.Key("comment");
      w.String(r.comment.c_str());
      w.EndObject();
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: central: {}\n", e.what());
  }
  w.EndArray();
  w.Key("sensors");
  w.StartArray();
  const int64_t now = SensorRegistry::nowUs();
  for (const SensorState& s : sensors_.snapshot()) {
    w.StartObject();
    w.Key("name");
    w.String(s.name.c_str());
    w.Key("connected");
    w.Bool(s.connected(now, sensors_.silence()));
    w.Key("rules_version");
    w.String(s.rules_version.c_str());
    w.Key("last_result");
    w.String(s.last_rules_result.c_str());
    w.Key("last_seen_s");
    w.Double(s.last_heard_us ? (now - s.last_heard_us) / 1e6 : -1);
    w.EndObject();
  }
  w.EndArray();
  link::Frames m = message(link::cmd::kStatusReply);
  m.push_back(body.done());
  send_(routing_id, m);
}

}  // namespace mamori
