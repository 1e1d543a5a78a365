#include "detect/packet_inspector.h"

#include <hs/hs.h>

#include <algorithm>
#include <stdexcept>

#include "detect/content_search.h"

namespace mamori {
namespace {

bool headerMatches(const Rule& rule, const DecodedPacket& pkt) {
  if (!rule.protocol.matches(pkt.ip_version, pkt.proto)) return false;
  if (rule.source.matches(pkt.src) && rule.source_ports.matches(pkt.sport) &&
      rule.destination.matches(pkt.dst) && rule.destination_ports.matches(pkt.dport)) {
    return true;
  }
  return rule.direction == RuleDirection::Bidirectional && rule.source.matches(pkt.dst) &&
         rule.source_ports.matches(pkt.dport) && rule.destination.matches(pkt.src) &&
         rule.destination_ports.matches(pkt.sport);
}

}  // namespace

PacketInspector::PacketInspector(std::shared_ptr<const SignatureDatabase> database)
    : database_(std::move(database)) {
  if (database_->patterns() &&
      hs_alloc_scratch(database_->patterns(), &scratch_) != HS_SUCCESS) {
    throw std::runtime_error("cannot allocate Hyperscan scratch space");
  }
  // Detection does not block (IDS): every alert reports the packet as let through.
  alert_.action = "allowed";
  candidates_.reserve(database_->size());
  matched_.reserve(database_->size());
}

PacketInspector::~PacketInspector() { hs_free_scratch(scratch_); }

int PacketInspector::onPatternMatch(unsigned int id, unsigned long long, unsigned long long,
                                    unsigned int, void* context) {
  // HS_FLAG_SINGLEMATCH: each id at most once per scan, so no duplicate check is needed.
  static_cast<PacketInspector*>(context)->candidates_.push_back(id);
  return 0;
}

bool PacketInspector::verify(const Signature& signature, const DecodedPacket& pkt) const {
  if (!headerMatches(signature.rule, pkt)) return false;
  if (signature.needs_payload && pkt.payload_len == 0) return false;
  for (const PreparedContent& c : signature.contents) {
    if (containsBytes(pkt.payload, pkt.payload_len, c.bytes, c.nocase) == c.negated) return false;
  }
  return true;
}

void PacketInspector::inspect(const DecodedPacket& pkt, uint64_t flow_id, bool to_server,
                              AlertSink& sink) {
  if (pkt.ip_version == 0) return;
  ++counters_.packets_inspected;
  candidates_.clear();
  matched_.clear();

  if (scratch_ && pkt.payload_len > 0) {
    counters_.bytes_scanned += pkt.payload_len;
    hs_error_t rc = hs_scan(database_->patterns(), reinterpret_cast<const char*>(pkt.payload),
                            pkt.payload_len, 0, scratch_, &PacketInspector::onPatternMatch, this);
    if (rc != HS_SUCCESS) ++counters_.scan_errors;
  }
  const std::vector<uint32_t>& unprefiltered = database_->unprefiltered(pkt.proto);
  counters_.candidates += candidates_.size() + unprefiltered.size();

  bool pass = false;
  auto check = [&](uint32_t index) {
    const Signature& s = database_->signature(index);
    if (!verify(s, pkt)) return;
    if (s.rule.action == RuleAction::Pass) pass = true;
    matched_.push_back(index);
  };
  for (uint32_t index : candidates_) check(index);
  for (uint32_t index : unprefiltered) check(index);
  // A matching pass rule silences the packet. Suricata extends this to the rest of the
  // flow; that needs flow state and comes with it.
  if (pass || matched_.empty()) return;

  std::sort(matched_.begin(), matched_.end());
  alert_.ts = pkt.ts;
  alert_.flow_id = flow_id;
  alert_.src_ip = pkt.src;
  alert_.dest_ip = pkt.dst;
  alert_.src_port = pkt.sport;
  alert_.dest_port = pkt.dport;
  alert_.proto = pkt.proto;
  alert_.vlan[0] = pkt.vlan[0];
  alert_.vlan[1] = pkt.vlan[1];
  alert_.vlan_count = pkt.vlan_count;
  alert_.to_server = to_server;
  for (uint32_t index : matched_) {
    const Rule& rule = database_->signature(index).rule;
    alert_.gid = rule.gid;
    alert_.sid = rule.sid;
    alert_.rev = rule.rev;
    alert_.signature = rule.msg;
    alert_.category = rule.category;
    alert_.severity = rule.priority;
    ++counters_.alerts;
    sink.onAlert(alert_);
  }
}

}  // namespace mamori
