#pragma once
// The hostile captures of the flood benchmark (bench/flood.sh, docs/operations.md "Memory
// budget"): each is what an attacker can make a sensor's tap see at line rate, written in
// time order at a fixed packet rate. `count` scales each one (SYNs, flows, datagrams,
// hosts, queries); the same count and seed give the same file.
//  - syn-flood: SYNs from random sources to one web server, every one a new flow.
//  - holes: small TLS connections whose ClientHello declares more than it sends and whose
//    next segment leaves a hole that never fills: nDPI, TLS and reassembly state per flow.
//  - fragments: datagrams of random sources cut in overlapping first pieces, never completed.
//  - host-sweep: a SYN and a ping to every address of a /16.
//  - dns-random: queries for random names under one domain, each from a new port, answered
//    NXDOMAIN-style (no data).
#include <cstdint>
#include <string>
#include <vector>

#include "tools/floodgen/pcap_stream.h"

namespace mamori::floodgen {

struct FloodScenario {
  std::string name;
  uint64_t default_count;
  void (*generate)(PcapStream& out, uint64_t count, uint64_t seed);
};

const std::vector<FloodScenario>& floodScenarios();

}  // namespace mamori::floodgen
