#include "auth/peer_byte_budget.h"

#include <arpa/inet.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include <fmt/format.h>

#include "auth/address_text.h"

namespace mamori {

namespace {

bool addresses(int fd, sockaddr_storage& local, socklen_t& local_len, sockaddr_storage& peer, socklen_t& peer_len) {
  local_len = sizeof local;
  peer_len = sizeof peer;
  return getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0 &&
         getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0;
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
  if (!addresses(fd, c.local, c.local_len, c.peer, c.peer_len)) return std::nullopt;  // already gone
  if (c.peer.ss_family != AF_INET && c.peer.ss_family != AF_INET6) return std::nullopt;
  if (limits_.max_connections && connections_.size() >= limits_.max_connections) {
    // Connections closed whose DISCONNECTED event has not come yet do not count.
    std::erase_if(connections_, [](const auto& entry) { return !same(entry.first, entry.second); });
    if (connections_.size() >= limits_.max_connections) {
      shutdown(fd, SHUT_RDWR);
      return addressText(c.peer);
    }
  }
  connections_[fd] = c;
  return std::nullopt;
}

void PeerByteBudget::closed(int fd) { connections_.erase(fd); }

bool PeerByteBudget::same(int fd, const Connection& c) {
  Connection now;
  return addresses(fd, now.local, now.local_len, now.peer, now.peer_len) && now.local_len == c.local_len &&
         now.peer_len == c.peer_len && std::memcmp(&now.local, &c.local, c.local_len) == 0 &&
         std::memcmp(&now.peer, &c.peer, c.peer_len) == 0;
}

std::vector<std::string> PeerByteBudget::check(Clock::time_point now) {
  std::vector<std::string> cut;
  for (auto it = connections_.begin(); it != connections_.end();) {
    const int fd = it->first;
    tcp_info info{};
    socklen_t len = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 || !same(fd, it->second)) {
      it = connections_.erase(it);  // closed, and its DISCONNECTED event is on its way
      continue;
    }
    const double seconds = std::chrono::duration<double>(now - it->second.since).count();
    const double allowed = double(limits_.burst_bytes) + seconds * double(limits_.bytes_per_second);
    if (double(info.tcpi_bytes_received) <= allowed) {
      ++it;
      continue;
    }
    shutdown(fd, SHUT_RDWR);
    cut.push_back(addressText(it->second.peer));
    it = connections_.erase(it);
  }
  return cut;
}

}  // namespace mamori
