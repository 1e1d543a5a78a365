#pragma once
// HandshakeMonitor: counts the connections a server socket turned away before any
// message, through libzmq's socket monitor: peers that do not speak CURVE at all (a plain
// ZeroMQ client, a port scanner, garbage) and peers whose key ZAP refused. The ZAP
// handler logs key refusals; this logs the protocol failures, which ZAP never sees, with
// the socket's label and libzmq's reason, at most one line a second per kind of failure
// (LogThrottle) with the number not shown. Runs on its own thread until destroyed; must
// be destroyed before the monitored socket closes. Construct it where the socket is set
// up; destruction may happen on another thread than the one using the socket (libzmq
// guards a socket's monitor with a lock of its own).
//
// Given a PeerBudget it also watches each accepted TCP connection's bytes (PeerByteBudget)
// and cuts off, logs and counts a peer that sends more than the budget: a subscriber
// flooding a bus with subscriptions; and one accepted past the budget's connection cap; and
// it logs and counts (as a protocol failure) a connection libzmq closed after the handshake
// for a frame over ZMQ_MAXMSGSIZE or a malformed one, which libzmq reports like a peer leaving.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "auth/log_throttle.h"
#include "auth/peer_byte_budget.h"

namespace mamori {

class HandshakeMonitor {
 public:
  struct Counters {
    uint64_t succeeded = 0;
    uint64_t failed_protocol = 0;  // not CURVE, or not ZeroMQ; with a budget, also a frame over
                                   // ZMQ_MAXMSGSIZE or malformed after the handshake
    uint64_t failed_auth = 0;      // ZAP refused the key (on a client: the server refused ours)
    uint64_t cut_off = 0;          // connections shut down for sending past the PeerBudget
    uint64_t full = 0;             // connections shut down as accepted: the budget's max_connections were open
  };

  // Whether protocol failures are logged: a server's are (a peer that does not speak
  // CURVE), a client reads the counters instead and says what they mean for it.
  enum class Log { ProtocolFailures, Nothing };

  // `label` names the socket in log lines ("central ingest", "bus"). Set up the socket's
  // security first: the log says "does not speak CURVE" of a CURVE socket's failures.
  // Throws zmq::error_t when libzmq cannot monitor the socket.
  HandshakeMonitor(zmq::context_t& context, zmq::socket_t& socket, std::string label,
                   Log log = Log::ProtocolFailures, std::optional<PeerBudget> budget = std::nullopt);
  ~HandshakeMonitor();
  HandshakeMonitor(const HandshakeMonitor&) = delete;
  HandshakeMonitor& operator=(const HandshakeMonitor&) = delete;

  Counters counters() const;  // thread-safe

 private:
  // Reads events until libzmq reports the monitor stopped (the destructor stops it).
  void serve();
  void logProtocolFailure(uint16_t event, uint32_t value);
  void cutOffOverBudget();
  void accepted(int fd);
  void disconnected(int fd);

  void* monitored_;         // the server socket's handle; only its monitor is touched
  zmq::socket_t monitor_;   // receives the events; the monitor thread's
  std::string label_;
  Log log_;
  bool curve_;
  std::optional<PeerByteBudget> budget_;  // the monitor thread's
  std::atomic<uint64_t> succeeded_{0}, failed_protocol_{0}, failed_auth_{0}, cut_off_{0}, full_{0};
  LogThrottle protocol_log_, closed_log_, cut_off_log_, full_log_, broken_log_;  // the monitor thread's
  // Handshakes that failed and were counted, whose connection libzmq is closing: the
  // disconnect that follows each is not counted again. The monitor thread's.
  uint64_t failures_closing_ = 0;
  std::thread thread_;
};

}  // namespace mamori
