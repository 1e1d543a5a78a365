#pragma once
// Publishes EVE records on the ZeroMQ bus: each message is a topic frame (the
// event_type: "alert", "incident", "flow", "stats") followed by the JSON frame, so a
// subscriber filters by topic prefix without parsing JSON.
//
// The socket is XPUB rather than PUB so that the publisher reads the subscriptions:
// a pcap run can wait until the subscribers that are already connecting have
// subscribed, and then none of them misses the first records.
//
// A slow subscriber costs nothing upstream: sends never block, and once a subscriber's
// queue holds `send_hwm` messages, libzmq drops further messages for that subscriber
// only (XPUB_NODROP off), without telling the publisher. So the publisher says what it
// sent instead: a marker on topic "bus" (kMarkerTopic), {"event_type":"bus","published":
// {"alert":N,...}}, the records published so far by topic, before the first record, then
// at most once a second while records flow, and last at the end, repeated for a second. A subscriber that counts
// what it received between two markers knows exactly what it missed (BusGapCounter).
// Markers are not EVE records and never reach the EVE file; a subscriber of event types
// by name never sees them.
//
// With BusSecurity the bus speaks CURVE only: it has a key pair of its own, and a
// subscriber gets in only with a key on its allowlist (ZAP domain "bus"); a subscriber
// with another key, or one that does not speak CURVE, is refused, logged and counted
// (refused()). Without it the bus is open to whoever reaches it, so it binds only
// loopback endpoints (auth/loopback_endpoint.h). Either way a peer is bounded: its
// messages (subscriptions) to 4 KiB each, libzmq closing a connection that announces a
// bigger frame before reading it (counted with the protocol failures, refused().protocol),
// and what it sends over TCP in all to kSubscriberBudget,
// past which it is cut off and counted (refused().flood), since libzmq 4.3 would keep
// every distinct subscription a peer sends. And at most max_subscribers TCP connections
// are open at once (a further one is shut down as it is accepted, refused().full): each
// subscriber that falls behind holds up to send_hwm records.
//
// Single-threaded: a ZeroMQ socket must stay on one thread, so every call except
// sent() and refused() comes from the pipeline's output thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <zmq.hpp>

#include "alerting/event_output.h"
#include "auth/curve_key.h"
#include "auth/handshake_monitor.h"
#include "auth/peer_byte_budget.h"
#include "auth/zap_authenticator.h"

namespace mamori {

// Who may subscribe, and the key the bus proves itself with.
struct BusSecurity {
  CurveKeyPair server;                   // secret key required
  std::vector<AllowedKey> subscribers;   // user_id: the name the operator gave the subscriber
};

struct BusPublisherOptions {
  // Messages queued for one subscriber before that subscriber starts losing messages.
  int send_hwm = 100000;
  // TCP connections open at once (bus.max-subscribers).
  size_t max_subscribers = 16;
  // How long destruction waits to deliver queued messages: long enough for the last
  // records of a pcap run to reach a live subscriber, short enough that a stuck
  // subscriber does not hold up shutdown.
  std::chrono::milliseconds linger{2000};
  // CURVE and its allowlist; empty: an open bus, on loopback endpoints only.
  std::optional<BusSecurity> security;
};

class BusPublisher : public EventOutput {
 public:
  // `endpoint` is any ZeroMQ bind endpoint ("tcp://0.0.0.0:5556", "tcp://[::1]:*",
  // "ipc:///run/mamori/bus"). Throws std::runtime_error naming it when binding fails or
  // when it is not loopback and `options` has no security; KeyError for a bad key.
  explicit BusPublisher(const std::string& endpoint,
                        const BusPublisherOptions& options = BusPublisherOptions());
  // Blocks up to the linger time while queued messages are delivered.
  ~BusPublisher() override;

  BusPublisher(const BusPublisher&) = delete;
  BusPublisher& operator=(const BusPublisher&) = delete;

  void publish(EventKind kind, const std::string& json) override;
  void publishApp(std::string_view event_type, const std::string& json) override;
  // Sends a marker when one is due.
  void flush() override;

  // The endpoint actually bound, with the port the system chose for "*".
  const std::string& endpoint() const { return endpoint_; }

  // Live subscriptions: subscribe minus unsubscribe messages seen so far (a subscriber
  // that subscribes to two prefixes counts twice; one that disconnects is taken off).
  size_t subscribers();
  // Waits until at least `n` subscriptions are live; false when `timeout` passes first.
  bool waitForSubscribers(size_t n, std::chrono::milliseconds timeout);

  // Records handed to libzmq (markers not counted). Readable from any thread, e.g. by the
  // metrics exporter.
  uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }

  // Connections turned away: before any message, a key not on the allowlist (CURVE only)
  // or a peer that failed the handshake (not CURVE on a CURVE bus, not ZeroMQ at all); and
  // after, a peer cut off for sending past kSubscriberBudget; and one over max_subscribers.
  // Readable from any thread.
  struct Refused {
    uint64_t key = 0;
    uint64_t protocol = 0;
    uint64_t flood = 0;
    uint64_t full = 0;
  };
  Refused refused() const;

  // The marker's topic. A subscriber reads the bus's markers only if it subscribes to a
  // prefix of it ("" included).
  static constexpr const char* kMarkerTopic = "bus";
  // What one subscriber connection may send: the greeting, a CURVE handshake and every
  // subscription a subscriber can usefully make fit in far less than the burst (a prefix
  // longer than a topic matches nothing), and the rate covers ZeroMQ heartbeats. A
  // connection past it is cut off; in the time between checks (5 ms) a flood can hand libzmq
  // little more than the kernel's socket buffer.
  static constexpr PeerBudget kSubscriberBudget{64 * 1024, 1024};

 private:
  // A subscription is a byte and a topic prefix; anything longer is not one.
  static constexpr int64_t kMaxSubscriberMessage = 4096;
  static constexpr const char* kZapDomain = "bus";
  static constexpr auto kMarkerInterval = std::chrono::seconds(1);
  // How long, and how often, the last marker is sent again while subscribers are connected.
  static constexpr auto kLastMarkerRepeat = std::chrono::milliseconds(1000);
  static constexpr auto kLastMarkerRepeatEvery = std::chrono::milliseconds(50);

  // Subscription notices queue up inside the socket (XPUB_VERBOSER: one for each
  // subscription a peer sends) until read: read at every send, they cannot pile up.
  void readSubscriptions();
  void sendMarker();
  void send(EventKind kind, std::string_view topic, const std::string& json);

  zmq::context_t context_;  // declared first: outlives the socket, and its
                            // destruction is what waits out the linger
  std::unique_ptr<ZapAuthenticator> zap_;  // before the socket binds; after it closes
  zmq::socket_t socket_;
  std::unique_ptr<HandshakeMonitor> monitor_;  // gone before the socket closes
  std::string endpoint_;
  std::chrono::milliseconds linger_;
  size_t subscriptions_ = 0;
  uint64_t published_[std::size(kEventKinds)] = {};  // by EventKind
  std::vector<std::pair<std::string, uint64_t>> app_published_;  // EventKind::App, by topic
  bool marker_due_ = true;  // records published since the last marker (or none sent yet)
  std::chrono::steady_clock::time_point last_marker_;
  std::atomic<uint64_t> sent_{0};
};

}  // namespace mamori
