#pragma once
// PeerByteBudget: caps the bytes one connection of a server socket may send, for sockets
// whose peers have next to nothing to say (a bus subscriber sends its subscriptions and
// nothing else). libzmq 4.3 keeps whatever a peer's messages ask of it (an XPUB stores
// every subscription in its trie before the application sees it, XPUB_MANUAL included) and
// has no call that drops one peer. So this reads each accepted TCP connection's byte count
// from the kernel (TCP_INFO tcpi_bytes_received) and shuts down (shutdown(2)) a connection
// that has sent more than a burst plus a steady rate allow: libzmq then sees the connection
// end and frees what it held for that peer, and the other peers are not touched.
//
// It keeps a duplicate of each watched descriptor, so that when libzmq closes its own the
// connection lives on until closed() looks at it: if the peer had not ended it (no FIN
// came: the socket is still established), libzmq cut it off for breaking the protocol
// after the handshake (a frame over ZMQ_MAXMSGSIZE, a malformed frame), which libzmq 4.3
// reports like any peer leaving; closed() says so, and only then is the connection ended.
//
// It also caps how many connections are open at once (max_connections): each subscriber
// holds a queue of up to the socket's high-water mark of records, so their number bounds
// the bus's memory. A connection over the cap is shut down as it is accepted.
//
// Fed accepted and closed connections (by file descriptor) by the HandshakeMonitor that
// owns it, and checked from that monitor's thread: single-threaded. Connections that are
// not TCP (ipc://, reachable only through the file system's permissions) are not watched.
#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mamori {

struct PeerBudget {
  uint64_t burst_bytes = 0;       // sent at once, e.g. while subscribing
  uint64_t bytes_per_second = 0;  // sent steadily afterwards, e.g. heartbeats
  size_t max_connections = 0;     // open at once; 0: no cap
};

class PeerByteBudget {
 public:
  using Clock = std::chrono::steady_clock;

  explicit PeerByteBudget(PeerBudget limits) : limits_(limits) {}

  // The peer's address (text) when the connection is over max_connections and was shut
  // down; nothing when it is watched (or not TCP).
  std::optional<std::string> accepted(int fd, Clock::time_point now);
  // The connection `fd` was closed by libzmq: its peer's address (text) when libzmq, not the
  // peer, ended it; nothing when the peer left (or it was not watched).
  std::optional<std::string> closed(int fd);
  ~PeerByteBudget();
  PeerByteBudget(const PeerByteBudget&) = delete;
  PeerByteBudget& operator=(const PeerByteBudget&) = delete;
  size_t maxConnections() const { return limits_.max_connections; }
  // Shuts down every watched connection past its budget; the peer address of each (text).
  std::vector<std::string> check(Clock::time_point now);

 private:
  struct Connection {
    sockaddr_storage peer{};
    Clock::time_point since;
    int own = -1;  // the duplicate: the connection itself, whatever libzmq did with its descriptor
  };
  // Ends the connection (both ways) and closes the duplicate.
  static void end(const Connection& c);

  PeerBudget limits_;
  std::unordered_map<int, Connection> connections_;
};

}  // namespace mamori
