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
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

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
  void allow(const std::string& domain, const std::vector<AllowedKey>& keys);

  // Thread-safe.
  DomainCounters counters(const std::string& domain) const;

 private:
  void serve();

  zmq::context_t& context_;
  zmq::socket_t control_;  // inproc pair to stop the handler thread
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::string>> allowed_;  // domain -> key -> user id
  std::map<std::string, DomainCounters> counters_;
  std::thread thread_;
};

}  // namespace mamori
