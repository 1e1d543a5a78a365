#pragma once
// Scenario `dns-tunnel` (docs/scenarios.md): workstation 192.168.10.27 carries data out
// through the office resolver in DNS queries, an iodine-like tunnel: base32 payload in the
// first label of TXT queries under t.tunnel.example, a few a second, each answered with
// TXT data. Beside it, the near misses: the same host looking up the tunnel domain's own
// web and mail names, another running anti-virus reputation lookups whose names look just
// as random but are few, and ordinary lookups of the office.
#include <cstdint>
#include <string>
#include <vector>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/dns_message.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

class DnsTunnelScenario {
 public:
  DnsTunnelScenario(CaptureFile& capture, uint64_t seed, Micros start);
  void generate();

 private:
  std::string base32(size_t length);
  Micros lookup(Host& client, Micros at, const std::string& name, DnsType type, std::vector<DnsRecord> answers);
  void ordinaryLookups(Micros at);
  void reputationLookups(Micros at);
  void tunnel(Micros at);

  CaptureFile& capture_;
  Rng rng_;
  Micros start_;

  Host resolver_;
  Host tunneller_;
  Host scanner_;  // the anti-virus client
  std::vector<Host> workstations_;
};

}  // namespace mamori::demogen
