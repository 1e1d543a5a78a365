#pragma once
// ZapAuthenticator: the ZAP handler (ZeroMQ RFC 27) of one ZeroMQ context. Every CURVE
// server socket of that context asks it whether a connecting peer's public key may in;
// only keys on the socket's allowlist do. Each refusal is counted and logged with the
// peer's address and the key's fingerprint (never the key). An accepted peer's messages
// carry its identity as their "User-Id" property (zmq_msg_gets), which the server reads to
// know who sent what.
//
// Allowlists are per ZAP domain (the socket's ZMQ_ZAP_DOMAIN), so one context can serve a
// socket for sensors and rule authors and another for bus subscribers, each with its own
// list. A domain without a list refuses everyone; a mechanism other than CURVE is refused.
//
// The handler binds inproc://zeromq.zap.01 on construction, so it must exist before any
// CURVE server socket of the context binds: without a handler libzmq lets everyone in.
// It runs on its own thread until destroyed, which must happen before the context closes.
// Refusals are logged to stderr at most once a second per domain (LogThrottle), with the
// number of refusals not shown; the counters count every one.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "auth/log_throttle.h"

namespace mamori {

struct AllowedKey {
  std::string user_id;     // what the peer's messages carry as User-Id, e.g. "sensor:tokyo-1"
  std::string public_key;  // Z85
};

class ZapAuthenticator {
 public:
  struct DomainCounters {
    uint64_t accepted = 0;
    uint64_t refused = 0;  // unknown key, or not CURVE
  };

  explicit ZapAuthenticator(zmq::context_t& context);
  ~ZapAuthenticator();
  ZapAuthenticator(const ZapAuthenticator&) = delete;
  ZapAuthenticator& operator=(const ZapAuthenticator&) = delete;

  // Replaces the allowlist of `domain`; takes effect for the next handshake. Thread-safe.
  // Throws KeyError (auth/curve_key.h) when a key is not a Z85 key or is listed twice
  // under different user ids (which one would the peer be?); the list is then unchanged.
  void allow(const std::string& domain, const std::vector<AllowedKey>& keys);

  // Thread-safe.
  DomainCounters counters(const std::string& domain) const;

 private:
  struct Reply {
    bool accepted = false;
    std::string user_id;
  };

  void serve();
  // One ZAP request (RFC 27 frames, the REP envelope already stripped) and its verdict.
  Reply decide(const std::vector<zmq::message_t>& request);
  void logRefusal(const std::string& domain, const std::string& address, const std::string& why);

  zmq::socket_t handler_;        // REP at inproc://zeromq.zap.01; the handler thread's
  zmq::socket_t control_;        // inproc pair to stop the handler thread: this end sends,
  zmq::socket_t control_peer_;   // the handler thread's end receives
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::string>> allowed_;  // domain -> key -> user id
  std::map<std::string, DomainCounters> counters_;
  std::map<std::string, LogThrottle> log_throttles_;  // by domain; the handler thread's
  std::thread thread_;
};

}  // namespace mamori
