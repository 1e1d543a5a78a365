#include "apps/tail_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "alerting/bus_subscriber.h"
#include "auth/curve_key.h"

namespace mamori {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void onTailSignal(int) { g_stop.store(true); }

// The record as received, but with every C0 control character, DEL and UTF-8 encoded C1
// control character written as a JSON \u escape: a terminal would act on them (move the
// cursor, rewrite earlier lines, set its title), and JSON allows none of them raw in a string.
std::string terminalSafe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    auto c = static_cast<unsigned char>(json[i]);
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else if (c == 0xc2 && i + 1 < json.size() && static_cast<unsigned char>(json[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(json[i + 1]) <= 0x9f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(json[++i]));
    } else {
      out += json[i];
    }
  }
  return out;
}

}  // namespace

TailCommand::TailCommand(CLI::App& app) {
  tail_ = app.add_subcommand("tail", "Print what a running sensor publishes on its bus");
  tail_->add_option("--connect", endpoint_, "Endpoint of the sensor's bus")->required();
  tail_->add_option("--topic", topics_, "Topic prefix (alert, incident, flow, stats); repeatable");
  auto* server_key = tail_->add_option("--server-key", server_key_,
                                       "The bus's public key (a .pub file or the 40-character key): connect with CURVE");
  auto* key = tail_->add_option("--key", key_, "Our key pair (.key file) for a CURVE bus; its public key must be on the bus's allowlist");
  server_key->needs(key);
  key->needs(server_key);
}

int TailCommand::run() const {
  std::optional<CurveClientKeys> curve;
  try {
    if (!server_key_.empty()) curve = CurveClientKeys{readPublicKey(server_key_), readSecretKeyFile(key_)};
  } catch (const KeyError& e) {
    fmt::print(stderr, "mamori tail: {}\n", e.what());
    return 2;
  }
  BusSubscriber sub(curve);
  try {
    sub.connect(endpoint_);
    if (topics_.empty()) sub.subscribe("");
    for (const auto& t : topics_) sub.subscribe(t);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori tail: {}\n", e.what());
    return 2;
  }
  std::signal(SIGINT, onTailSignal);
  std::signal(SIGTERM, onTailSignal);
  bool told_of_failure = false;
  uint64_t missed_told = 0;
  while (!g_stop.load()) {
    auto msg = sub.receive(std::chrono::milliseconds(200));
    if (sub.missed() > missed_told) {
      // Said as soon as a marker shows it, on stderr: stdout stays the records.
      fmt::print(stderr, "mamori tail: missed {} records: the bus dropped them because this reader fell behind "
                 "({} missed in all)\n", sub.missed() - missed_told, sub.missed());
      missed_told = sub.missed();
    }
    HandshakeMonitor::Counters handshakes = sub.handshakes();
    if (handshakes.failed_auth > 0) {
      // libzmq does not try again after a refusal: waiting on would wait for nothing.
      fmt::print(stderr, "mamori tail: {} refused our key {}: it is not on that bus's allowlist (bus.subscribers)\n",
                 endpoint_, keyFingerprint(curve->own.public_key));
      return 1;
    }
    if (handshakes.failed_protocol > 0 && !told_of_failure) {
      fmt::print(stderr, "mamori tail: the CURVE handshake with {} failed (still trying): is --server-key that bus's "
                 "key, and does the bus have bus.key set?\n", endpoint_);
      told_of_failure = true;
    }
    if (!msg) continue;
    // The JSON frame is already the EVE line; the topic is its event_type.
    fmt::print("{}\n", terminalSafe(msg->second));
    std::fflush(stdout);
  }
  if (missed_told > 0) fmt::print(stderr, "mamori tail: {} records missed in all\n", missed_told);
  return 0;
}

}  // namespace mamori
