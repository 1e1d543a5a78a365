#pragma once
// One alert: a rule matched a packet or stream of a flow (EVE `alert`).
// Produced by detect, consumed by correlate and alerting. Alerts are rare next to
// packets, so they carry their strings by value and may cross threads.
#include <cstdint>
#include <memory>
#include <string>

#include "capture/ip_address.h"
#include "capture/packet.h"
#include "detect/rule_thresholds.h"
#include "rules/rule_metadata.h"

namespace mamori {

struct Alert {
  TimeUs ts = 0;
  uint64_t flow_id = 0;
  IpAddress src_ip, dest_ip;  // of the packet that matched
  uint16_t src_port = 0, dest_port = 0;
  uint8_t proto = 0;
  uint16_t vlan[2] = {0, 0};
  uint8_t vlan_count = 0;
  bool to_server = true;
  std::string app_proto;  // the flow's, as EVE names it; empty while unknown

  std::string action = "allowed";
  uint32_t gid = 1, sid = 0, rev = 0;
  std::string signature;  // msg
  std::string category;   // classtype description
  int severity = 3;       // priority: 1 high .. 4 low
  std::shared_ptr<const RuleMetadata> metadata;  // the rule's, shared; null when it has none
  // Set when the rule's threshold / detection_filter is still to be decided by the one who
  // receives the alert (PacketInspector::Thresholds::SpanningDownstream): it is a match,
  // not yet an alert.
  std::shared_ptr<const RuleThresholds> undecided_thresholds;

  // EVE `alert.id`, by which incidents name their alerts: a hash of the flow, the rule
  // (gid, sid) and the packet time, so the same capture gives the same ids with any number
  // of workers. Two alerts of one rule on one flow at the same microsecond (transactions
  // completed by the same packet) share it.
  uint64_t id() const;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void onAlert(const Alert& alert) = 0;
};

}  // namespace mamori
