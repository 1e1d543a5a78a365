#pragma once
// The runtime side of detection, one per worker thread: runs a packet's payload through
// the shared SignatureDatabase and verifies the candidates. Allocates nothing per packet:
// the Hyperscan scratch, candidate lists and the Alert are made once and reused.
//
// Consumes: DecodedPacket (+ its flow id and direction). Produces: Alerts to an AlertSink,
// at most one per rule per packet, in rule-load order.
#include <cstdint>
#include <memory>
#include <vector>

#include "capture/packet.h"
#include "detect/alert.h"
#include "detect/detect_counters.h"
#include "detect/signature_database.h"

struct hs_scratch;

namespace mamori {

class PacketInspector {
 public:
  // Throws std::runtime_error when Hyperscan cannot allocate scratch space.
  explicit PacketInspector(std::shared_ptr<const SignatureDatabase> database);
  ~PacketInspector();
  PacketInspector(const PacketInspector&) = delete;
  PacketInspector& operator=(const PacketInspector&) = delete;

  void inspect(const DecodedPacket& pkt, uint64_t flow_id, bool to_server, AlertSink& sink);

  const DetectCounters& counters() const { return counters_; }

 private:
  static int onPatternMatch(unsigned int id, unsigned long long from, unsigned long long to,
                            unsigned int flags, void* context);
  bool verify(const Signature& signature, const DecodedPacket& pkt) const;

  std::shared_ptr<const SignatureDatabase> database_;
  hs_scratch* scratch_ = nullptr;
  std::vector<uint32_t> candidates_;
  std::vector<uint32_t> matched_;
  Alert alert_;
  DetectCounters counters_;
};

}  // namespace mamori
