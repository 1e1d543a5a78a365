#pragma once
// CentralClient: what `mamori rules push|rollback|status` ask the central, as a rule
// author: a DEALER socket with the author's CURVE key, pinned to the central's public key.
// A central that refuses the key says nothing (the handshake fails), so every request
// waits a bounded time and an unanswered one is reported as such.
//
// Single-threaded.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <zmq.hpp>

#include "auth/curve_key.h"
#include "uplink/rule_set_package.h"

namespace mamori {

struct CentralClientOptions {
  std::string endpoint;
  std::string server_key;  // the central's public key (Z85)
  CurveKeyPair key;        // the author's
};

struct PushAnswer {
  bool accepted = false;
  std::string version;                 // accepted: the version the set got
  std::vector<std::string> errors;     // refused: why, as `rules check` prints them
  std::vector<std::string> sensors;    // accepted: the sensors it was sent to
  std::vector<std::string> offline;    // accepted: sensors not connected now (they get it on linking)
};

struct SensorOutcome {
  std::string sensor, version, result;  // result: ok, refused
  uint64_t rules_loaded = 0;
  double build_seconds = 0;
  std::vector<std::string> errors;
};

class CentralClient {
 public:
  explicit CentralClient(const CentralClientOptions& options);  // throws std::runtime_error on a bad endpoint
  CentralClient(const CentralClient&) = delete;
  CentralClient& operator=(const CentralClient&) = delete;

  // nullopt: no answer within `timeout`.
  std::optional<PushAnswer> push(const RuleSetPackage& package, std::chrono::milliseconds timeout);
  std::optional<PushAnswer> rollback(const std::string& version, const std::string& comment,
                                     std::chrono::milliseconds timeout);
  // The next sensor outcome of the last push or rollback; nullopt when `timeout` passes first.
  std::optional<SensorOutcome> nextOutcome(std::chrono::milliseconds timeout);
  // The central's STATUS_REPLY object; nullopt on no answer.
  std::optional<rapidjson::Document> status(std::chrono::milliseconds timeout);

 private:
  // The next message whose command is one of `commands`; others are skipped.
  std::optional<std::vector<zmq::message_t>> await(const std::vector<std::string_view>& commands,
                                                   std::chrono::milliseconds timeout);
  std::optional<PushAnswer> answer(std::chrono::milliseconds timeout);

  zmq::context_t context_;
  zmq::socket_t socket_;
};

}  // namespace mamori
