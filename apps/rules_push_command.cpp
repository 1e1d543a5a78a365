#include "apps/rules_push_command.h"

#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "central/central_client.h"
#include "uplink/link_protocol.h"

namespace mamori {

namespace {

// What the central relays (sensor errors quote rule text) is shown, never interpreted by
// the terminal.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
  return out;
}

std::optional<CentralClient> connect(const std::string& central, const std::string& key, const std::string& server_key) {
  CentralClientOptions options;
  options.endpoint = central;
  try {
    options.key = readSecretKeyFile(key);
    options.server_key = readPublicKey(server_key);
  } catch (const KeyError& e) {
    fmt::print(stderr, "mamori: {}\n", e.what());
    return std::nullopt;
  }
  try {
    return std::optional<CentralClient>(std::in_place, options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: {}\n", e.what());
    return std::nullopt;
  }
}

void noAnswer(const std::string& central) {
  fmt::print(stderr,
             "mamori: no answer from the central at {}: is it running there, is --server-key its public key, and is "
             "this key on its authors list?\n",
             central);
}

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// Prints the central's answer and then each sensor's outcome as it comes; the exit code.
int follow(CentralClient& client, const PushAnswer& answer, double timeout_s) {
  if (!answer.accepted) {
    for (const std::string& e : answer.errors) fmt::print("{}\n", printable(e));
    fmt::print(stderr, "mamori: the central refused the rule set ({} problem(s)); no sensor changed\n",
               answer.errors.size());
    return 1;
  }
  fmt::print("central accepted rule set {}: sent to {} sensor(s){}\n", answer.version, answer.sensors.size(),
             answer.offline.empty() ? "" : fmt::format(", {} offline", answer.offline.size()));
  std::set<std::string> waiting(answer.sensors.begin(), answer.sensors.end());
  const auto deadline = std::chrono::steady_clock::now() + millis(timeout_s);
  bool refused = false;
  while (!waiting.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto outcome = client.nextOutcome(left);
    if (!outcome) break;
    if (outcome->version != answer.version || !waiting.erase(outcome->sensor)) continue;
    if (outcome->result == "ok") {
      fmt::print("{}  ok  {}  {} rules  built in {:.2f} s\n", printable(outcome->sensor), outcome->version,
                 outcome->rules_loaded, outcome->build_seconds);
    } else {
      refused = true;
      fmt::print("{}  refused  {}  (the sensor keeps its running set)\n", printable(outcome->sensor), outcome->version);
      for (const std::string& e : outcome->errors) fmt::print("    {}\n", printable(e));
    }
  }
  for (const std::string& s : waiting) fmt::print("{}  no answer  {}\n", printable(s), answer.version);
  for (const std::string& s : answer.offline) fmt::print("{}  offline  (gets {} when it links)\n", printable(s), answer.version);
  if (refused) return 1;
  return waiting.empty() ? 0 : 3;
}

}  // namespace

RulesPushCommands::RulesPushCommands(CLI::App& rules) {
  auto common = [this](CLI::App* c) {
    c->add_option("--central", central_, "The central's endpoint, e.g. tcp://central.gsoc:7770")->required();
    c->add_option("--key", key_, "Your key pair file (mamori keys generate): the central's authors list must hold it")
        ->required();
    c->add_option("--server-key", server_key_, "The central's public key (its .pub file, or the Z85 key)")->required();
  };
  push_ = rules.add_subcommand("push", "Push a rule set to every sensor through the central");
  common(push_);
  push_->add_option("paths", paths_, "Rule files, folders, correlation .yaml files")->required();
  push_->add_option("--comment", comment_, "Why: kept in the central's audit trail");
  push_->add_option("--timeout", timeout_s_, "Seconds to wait for every sensor's outcome (default 120)");
  status_ = rules.add_subcommand("status", "Each sensor's running rule set version, and the versions the central keeps");
  common(status_);
  status_->add_flag("--json", json_, "The central's answer as one JSON object");
  status_->add_option("--timeout", timeout_s_, "Seconds to wait for the central (default 120)");
  rollback_ = rules.add_subcommand("rollback", "Send a kept rule set version to every sensor again");
  common(rollback_);
  rollback_->add_option("version", version_, "A version `rules status` lists")->required();
  rollback_->add_option("--comment", comment_, "Why: kept in the central's audit trail");
  rollback_->add_option("--timeout", timeout_s_, "Seconds to wait for every sensor's outcome (default 120)");
}

int RulesPushCommands::run() const {
  if (*push_) return push();
  if (*status_) return status();
  return rollback();
}

int RulesPushCommands::push() const {
  RuleSetPackage package;
  try {
    package = RuleSetPackage::fromPaths(paths_);
  } catch (const RuleSetPackageError& e) {
    fmt::print(stderr, "mamori: {}\n", e.what());
    return 1;
  }
  package.comment = comment_;
  auto client = connect(central_, key_, server_key_);
  if (!client) return 2;
  auto answer = client->push(package, millis(timeout_s_));
  if (!answer) {
    noAnswer(central_);
    return 2;
  }
  return follow(*client, *answer, timeout_s_);
}

int RulesPushCommands::rollback() const {
  auto client = connect(central_, key_, server_key_);
  if (!client) return 2;
  auto answer = client->rollback(version_, comment_, millis(timeout_s_));
  if (!answer) {
    noAnswer(central_);
    return 2;
  }
  return follow(*client, *answer, timeout_s_);
}

int RulesPushCommands::status() const {
  auto client = connect(central_, key_, server_key_);
  if (!client) return 2;
  auto reply = client->status(millis(timeout_s_));
  if (!reply) {
    noAnswer(central_);
    return 2;
  }
  if (json_) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    reply->Accept(w);
    fmt::print("{}\n", buf.GetString());
    return 0;
  }
  const std::string current = link::jsonString(*reply, "current");
  fmt::print("current rule set: {}\n", current.empty() ? "none pushed yet" : current);
  if (auto it = reply->FindMember("sensors"); it != reply->MemberEnd() && it->value.IsArray()) {
    for (const auto& s : it->value.GetArray()) {
      if (!s.IsObject()) continue;
      const bool connected = s.HasMember("connected") && s["connected"].IsBool() && s["connected"].GetBool();
      const std::string version = link::jsonString(s, "rules_version");
      fmt::print("{}  {}  {}  {}\n", printable(link::jsonString(s, "name")), connected ? "connected" : "offline",
                 version.empty() ? "(its own rule files)" : version, printable(link::jsonString(s, "last_result")));
    }
  }
  if (auto it = reply->FindMember("versions"); it != reply->MemberEnd() && it->value.IsArray()) {
    fmt::print("kept versions:\n");
    for (const auto& v : it->value.GetArray()) {
      if (!v.IsObject()) continue;
      fmt::print("  {}  by {}  {}\n", link::jsonString(v, "version"), printable(link::jsonString(v, "author")),
                 printable(link::jsonString(v, "comment")));
    }
  }
  return 0;
}

}  // namespace mamori
