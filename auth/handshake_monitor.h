#pragma once
// HandshakeMonitor: counts the connections a server socket turned away before any
// message, through libzmq's socket monitor: peers that do not speak CURVE at all (a plain
// ZeroMQ client, a port scanner, garbage) and peers whose key ZAP refused. The ZAP
// handler logs key refusals; this logs the protocol failures, which ZAP never sees, with
// the socket's endpoint and libzmq's reason. Runs on its own thread until destroyed; must
// be destroyed before the monitored socket closes.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include <zmq.hpp>

namespace mamori {

class HandshakeMonitor {
 public:
  struct Counters {
    uint64_t succeeded = 0;
    uint64_t failed_protocol = 0;  // not CURVE, or not ZeroMQ
    uint64_t failed_auth = 0;      // ZAP refused the key
  };

  // `label` names the socket in log lines ("central ingest", "bus").
  HandshakeMonitor(zmq::context_t& context, zmq::socket_t& socket, std::string label);
  ~HandshakeMonitor();
  HandshakeMonitor(const HandshakeMonitor&) = delete;
  HandshakeMonitor& operator=(const HandshakeMonitor&) = delete;

  Counters counters() const;  // thread-safe

 private:
  void serve();

  zmq::socket_t monitor_;
  std::string label_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> succeeded_{0}, failed_protocol_{0}, failed_auth_{0};
  std::thread thread_;
};

}  // namespace mamori
