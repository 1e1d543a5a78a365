#pragma once
// Reads EVE records off the ZeroMQ bus: the client side of BusPublisher, used by
// `mamori tail` and by tests. Each record arrives as (topic, json). It also subscribes to
// the publisher's markers, reads them itself and counts the records the bus dropped for
// this subscriber (missed(), BusGapCounter).
//
// With CURVE keys it connects only to the publisher whose public key it was given, and
// presents its own key pair, which that publisher's allowlist must hold: refused, it
// receives nothing, and handshakes() says why.
//
// Single-threaded, like every ZeroMQ socket; handshakes() excepted.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <zmq.hpp>

#include "alerting/bus_gap_counter.h"
#include "auth/curve_socket.h"
#include "auth/handshake_monitor.h"

namespace mamori {

class BusSubscriber {
 public:
  // Throws KeyError (auth/curve_key.h) when `curve` holds a key that is not one.
  // `receive_hwm`: records held for the reader before the bus drops for it.
  explicit BusSubscriber(const std::optional<CurveClientKeys>& curve = std::nullopt, int receive_hwm = kReceiveHwm);

  BusSubscriber(const BusSubscriber&) = delete;
  BusSubscriber& operator=(const BusSubscriber&) = delete;

  // Connecting before the publisher is up is fine: ZeroMQ keeps retrying. Throws
  // std::runtime_error naming the endpoint when it is malformed.
  void connect(const std::string& endpoint);
  // Receives records whose topic starts with `prefix`; "" receives everything.
  // Without any subscribe() nothing arrives.
  void subscribe(const std::string& prefix);

  // The next (topic, json) record, or nothing when `timeout` passes or a signal
  // interrupts the wait. A negative timeout waits indefinitely. Messages that are not
  // two frames (not from a mamori publisher) are skipped; markers are read, not returned.
  std::optional<std::pair<std::string, std::string>> receive(
      std::chrono::milliseconds timeout);

  // Records of the subscribed topics the bus dropped for this subscriber, as far as the
  // markers received so far tell; whether a marker has come yet.
  uint64_t missed() const { return gaps_.missed(); }
  bool checkingGaps() const { return gaps_.checking(); }

  // With CURVE: handshakes the publisher refused (failed_auth: our key is not on its
  // list) or that failed (failed_protocol: it has another key, or no CURVE). Zeros
  // without CURVE. Thread-safe.
  HandshakeMonitor::Counters handshakes() const;

 private:
  // Generous, so that a reader that falls briefly behind (a terminal scrolling) does
  // not make the publisher drop its messages.
  static constexpr int kReceiveHwm = 100000;

  zmq::context_t context_;
  zmq::socket_t socket_;
  BusGapCounter gaps_;
  bool marker_subscribed_ = false;
  std::unique_ptr<HandshakeMonitor> monitor_;  // with CURVE; gone before the socket closes
};

}  // namespace mamori
