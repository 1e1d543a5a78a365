#pragma once
// The record of one finished flow, as the flow table hands it out (EVE `flow`).
// Consumes nothing; produced by FlowTable when a flow times out, is evicted, or the
// capture ends. Plain data: it may cross threads.
#include <cstdint>

#include "capture/ip_address.h"
#include "capture/packet.h"

namespace mamori {

enum class FlowEndReason : uint8_t { Timeout, Evicted, Shutdown };
const char* flowEndReasonName(FlowEndReason r);  // "timeout", "forced", "shutdown" (Suricata's words)

// What an application-layer identifier made of a flow (FlowObserver::describe fills it);
// empty strings when none ran. Fixed arrays, so a record stays plain data.
struct FlowApplication {
  char proto[24] = "";       // EVE app_proto: Suricata's name where one exists ("tls"), else the identifier's
  char detail[64] = "";      // the identifier's own name for it (nDPI: "TLS.Google")
  char category[32] = "";
  char confidence[32] = "";  // how it was identified ("DPI", "Match by port", ...)
  uint64_t risks = 0;        // the identifier's risk bits
};

struct FlowRecord {
  uint64_t flow_id = 0;
  TimeUs start = 0, end = 0;
  IpAddress src_ip, dest_ip;  // client -> server, as Suricata orients a flow
  uint16_t src_port = 0, dest_port = 0;
  uint8_t proto = 0;
  uint16_t vlan[2] = {0, 0};
  uint8_t vlan_count = 0;
  uint8_t icmp_type = 0, icmp_code = 0;  // of the first packet, for ICMP flows
  uint64_t pkts_toserver = 0, pkts_toclient = 0;
  uint64_t bytes_toserver = 0, bytes_toclient = 0;
  uint8_t tcp_flags_ts = 0, tcp_flags_tc = 0;
  const char* tcp_state = nullptr;  // Suricata's TCP state name; null for non-TCP
  const char* state = "new";        // "new", "established", "closed"
  FlowEndReason reason = FlowEndReason::Timeout;
  bool alerted = false;
  uint64_t stream_gaps = 0;  // reassembly gaps, both directions
  FlowApplication app;
};

}  // namespace mamori
