#pragma once
// One bidirectional flow as a worker's FlowTable keeps it. Oriented client -> server:
// the client is the sender of the first packet, except that a flow picked up on a
// SYN-ACK is turned round (the SYN-ACK comes from the server).
#include <cstdint>

#include "capture/direction.h"
#include "capture/ip_address.h"
#include "capture/packet.h"
#include "capture/tcp_reassembler.h"

namespace mamori {

// The key both directions share: endpoints in canonical order (lower address/port
// first), so a lookup needs no second probe for the reverse direction.
struct FlowKey {
  IpAddress lo_ip, hi_ip;
  uint16_t lo_port = 0, hi_port = 0;
  uint8_t proto = 0;
  uint16_t vlan[2] = {0, 0};

  static FlowKey of(const DecodedPacket& p);
  uint64_t hash() const;
  bool operator==(const FlowKey&) const = default;
};

// Suricata's TCP session states, as written to EVE flow records.
enum class TcpState : uint8_t { None, SynSent, SynRecv, Established, FinWait1, FinWait2, Closing, Closed };
const char* tcpStateName(TcpState s);

inline constexpr uint32_t kNoFlow = UINT32_MAX;

struct Flow {
  FlowKey key;
  IpAddress client_ip, server_ip;
  uint16_t client_port = 0, server_port = 0;
  uint64_t flow_id = 0;
  TimeUs start = 0, last = 0;
  uint64_t pkts[2] = {0, 0};
  uint64_t bytes[2] = {0, 0};
  uint64_t stream_gaps = 0;
  uint8_t tcp_flags[2] = {0, 0};
  TcpState tcp_state = TcpState::None;
  bool fin_seen[2] = {false, false};
  bool alerted = false;
  uint8_t icmp_type = 0, icmp_code = 0;
  uint8_t vlan_count = 0;
  uint8_t timeout_class = 0;
  TcpStream stream[2];
  // Per-flow state of the worker's FlowObservers, one handle each (0 = none): an observer
  // keeps its state in its own preallocated pool, so the flow table stays ignorant of it.
  static constexpr int kObserverSlots = 4;
  uint32_t observer_state[kObserverSlots] = {};

  // FlowTable bookkeeping: intrusive hash chain and per-timeout-class LRU list.
  uint32_t hash_next = kNoFlow;
  uint32_t lru_prev = kNoFlow, lru_next = kNoFlow;
  uint32_t bucket = 0;

  Direction directionOf(const DecodedPacket& p) const {
    return (p.src == client_ip && p.sport == client_port) ? Direction::ToServer : Direction::ToClient;
  }
  bool established() const;
};

}  // namespace mamori
