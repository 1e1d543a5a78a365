#include "auth/peer_byte_budget.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "auth/address_text.h"

namespace mamori {

namespace {

// The kernel's TCP_ESTABLISHED (include/net/tcp_states.h), which linux/tcp.h, the header
// with tcpi_bytes_received, does not define.
constexpr uint8_t kTcpEstablished = 1;

// TCP_INFO of the connection; false when it is not a TCP socket any more.
bool tcpInfo(int fd, tcp_info& info) {
  socklen_t len = sizeof info;
  return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0;
}

// "192.0.2.1:40312", "[2001:db8::1]:40312".
std::string addressText(const sockaddr_storage& a) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (a.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(a);
    inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
    return fmt::format("{}:{}", host, ntohs(in.sin_port));
  }
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a);
  inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
  std::string plain = plainAddress(host);
  return plain == host ? fmt::format("[{}]:{}", host, ntohs(in6.sin6_port))
                       : fmt::format("{}:{}", plain, ntohs(in6.sin6_port));
}

}  // namespace

std::optional<std::string> PeerByteBudget::accepted(int fd, Clock::time_point now) {
  Connection c;
  c.since = now;
  socklen_t len = sizeof c.peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&c.peer), &len) != 0) return std::nullopt;  // already gone
  if (c.peer.ss_family != AF_INET && c.peer.ss_family != AF_INET6) return std::nullopt;
  if (limits_.max_connections && connections_.size() >= limits_.max_connections) {
    shutdown(fd, SHUT_RDWR);
    return addressText(c.peer);
  }
  c.own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (c.own < 0) return std::nullopt;  // out of descriptors: not watched
  if (auto [it, added] = connections_.try_emplace(fd, c); !added) {
    // A DISCONNECTED event lost: the number was libzmq's for an earlier connection.
    end(it->second);
    it->second = c;
  }
  return std::nullopt;
}

std::optional<std::string> PeerByteBudget::closed(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return std::nullopt;
  const Connection c = it->second;
  connections_.erase(it);
  tcp_info info{};
  // Still established: no FIN came from the peer, libzmq closed its side.
  const bool cut = tcpInfo(c.own, info) && info.tcpi_state == kTcpEstablished;
  end(c);
  if (!cut) return std::nullopt;
  return addressText(c.peer);
}

void PeerByteBudget::end(const Connection& c) {
  shutdown(c.own, SHUT_RDWR);
  close(c.own);
}

PeerByteBudget::~PeerByteBudget() {
  for (const auto& [fd, c] : connections_) end(c);
}

std::vector<std::string> PeerByteBudget::check(Clock::time_point now) {
  std::vector<std::string> cut;
  for (auto it = connections_.begin(); it != connections_.end();) {
    tcp_info info{};
    if (!tcpInfo(it->second.own, info)) {
      end(it->second);
      it = connections_.erase(it);
      continue;
    }
    const double seconds = std::chrono::duration<double>(now - it->second.since).count();
    const double allowed = double(limits_.burst_bytes) + seconds * double(limits_.bytes_per_second);
    if (double(info.tcpi_bytes_received) <= allowed) {
      ++it;
      continue;
    }
    cut.push_back(addressText(it->second.peer));
    end(it->second);
    it = connections_.erase(it);
  }
  return cut;
}

}  // namespace mamori
