#include "tools/floodgen/flood_scenarios.h"

#include <string>

#include "tools/demogen/dns_message.h"
#include "tools/demogen/rng.h"
#include "tools/demogen/wire_format.h"

namespace mamori::floodgen {

namespace {

using demogen::Bytes;
using demogen::Host;
using demogen::Micros;
using demogen::Rng;
using demogen::TcpSegment;
namespace tcp_flag = demogen::tcp_flag;

// 2026-03-02 09:00:00 UTC, the demo's start.
constexpr Micros kStart = Micros{1'772'442'000} * 1'000'000;
// 200,000 packets a second of packet time: a 1 Gbit/s link's worth of small packets.
constexpr Micros kGap = 5;
constexpr uint8_t kProtocolUdp = 17;

Host host(uint32_t ip) {
  Host h;
  h.ip = demogen::Ipv4Address{ip};
  h.mac = demogen::documentationMac(static_cast<uint8_t>(ip));
  h.stack = demogen::kLinuxStack;
  h.hopsToTap = 3;
  return h;
}

// A unicast address outside 0/8, 127/8 and the multicast and reserved ranges.
uint32_t randomSource(Rng& rng) {
  for (;;) {
    const uint32_t ip = static_cast<uint32_t>(rng.next());
    const uint32_t first = ip >> 24;
    if (first != 0 && first != 127 && first < 224) return ip;
  }
}

uint16_t randomPort(Rng& rng) { return static_cast<uint16_t>(rng.between(1024, 65535)); }

void synFlood(PcapStream& out, uint64_t count, uint64_t seed) {
  Rng rng(seed);
  Host server = host(demogen::ipv4(192, 0, 2, 10).value);
  const Bytes options = demogen::mssOption(1460);
  Micros t = kStart;
  for (uint64_t i = 0; i < count; ++i, t += kGap) {
    Host client = host(randomSource(rng));
    TcpSegment syn{randomPort(rng), 80, static_cast<uint32_t>(rng.next()), 0, tcp_flag::kSyn, 64240, options, {}};
    out.add(t, demogen::tcpFrame(client, server, syn));
  }
}

void holes(PcapStream& out, uint64_t count, uint64_t seed) {
  Rng rng(seed);
  Host server = host(demogen::ipv4(192, 0, 2, 20).value);
  // A ClientHello record that declares 16,000 bytes of handshake and brings 1,200 of them.
  Bytes hello{0x16, 0x03, 0x01, 0x3e, 0x84, 0x01, 0x00, 0x3e, 0x80, 0x03, 0x03};
  hello.resize(1200, 0x41);
  Bytes after(1200, 0x42);
  Micros t = kStart;
  for (uint64_t i = 0; i < count; ++i) {
    Host client = host(randomSource(rng));
    const uint16_t port = randomPort(rng);
    const uint32_t c = static_cast<uint32_t>(rng.next()), s = static_cast<uint32_t>(rng.next());
    out.add(t, demogen::tcpFrame(client, server, {port, 443, c, 0, tcp_flag::kSyn, 64240, {}, {}}));
    out.add(t += kGap, demogen::tcpFrame(server, client, {443, port, s, c + 1, static_cast<uint8_t>(tcp_flag::kSyn | tcp_flag::kAck), 64240, {}, {}}));
    out.add(t += kGap, demogen::tcpFrame(client, server, {port, 443, c + 1, s + 1, tcp_flag::kAck, 502, {}, {}}));
    out.add(t += kGap, demogen::tcpFrame(client, server, {port, 443, c + 1, s + 1, static_cast<uint8_t>(tcp_flag::kAck | tcp_flag::kPsh), 502, {}, hello}));
    // 3,000 bytes that never come, then more of the hello.
    const uint32_t ahead = c + 1 + static_cast<uint32_t>(hello.size()) + 3000;
    out.add(t += kGap, demogen::tcpFrame(client, server, {port, 443, ahead, s + 1, tcp_flag::kAck, 502, {}, after}));
    t += kGap;
  }
}

void fragments(PcapStream& out, uint64_t count, uint64_t seed) {
  Rng rng(seed);
  Host target = host(demogen::ipv4(192, 0, 2, 30).value);
  Bytes piece(1000);
  rng.fill(piece.data(), piece.size());
  Micros t = kStart;
  for (uint64_t i = 0; i < count; ++i) {
    Host source = host(randomSource(rng));
    const auto id = static_cast<uint16_t>(rng.next());
    // The second piece overlaps the first, and the last never comes.
    out.add(t, demogen::ipv4Fragment(source, target, kProtocolUdp, id, 0, true, piece));
    out.add(t += kGap, demogen::ipv4Fragment(source, target, kProtocolUdp, id, 512, true, piece));
    t += kGap;
  }
}

void hostSweep(PcapStream& out, uint64_t count, uint64_t seed) {
  Rng rng(seed);
  Host sweeper = host(demogen::ipv4(10, 0, 0, 5).value);
  const uint32_t base = demogen::ipv4(172, 16, 0, 0).value;
  const uint16_t port = randomPort(rng);
  const Bytes options = demogen::mssOption(1460);
  Micros t = kStart;
  for (uint64_t i = 0; i < count; ++i) {
    Host target = host(base + static_cast<uint32_t>(i % 65536));
    out.add(t, demogen::icmpEchoFrame(sweeper, target, false, 0x4d4d, static_cast<uint16_t>(i), {}));
    out.add(t += kGap, demogen::tcpFrame(sweeper, target, {port, 445, static_cast<uint32_t>(rng.next()), 0,
                                                            tcp_flag::kSyn, 1024, options, {}}));
    t += kGap;
  }
}

void dnsRandom(PcapStream& out, uint64_t count, uint64_t seed) {
  Rng rng(seed);
  Host resolver = host(demogen::ipv4(10, 0, 0, 1).value);
  std::vector<Host> clients;
  for (uint8_t i = 0; i < 16; ++i) clients.push_back(host(demogen::ipv4(10, 0, 1, i + 10).value));
  Micros t = kStart;
  for (uint64_t i = 0; i < count; ++i) {
    std::string name;
    for (int k = 0; k < 20; ++k) name += static_cast<char>('a' + rng.between(0, 25));
    name += ".flood.example";
    Host& client = rng.pick(clients);
    const uint16_t port = randomPort(rng);
    const auto id = static_cast<uint16_t>(rng.next());
    out.add(t, demogen::udpFrame(client, resolver, port, 53, demogen::dnsQuery(id, name, demogen::DnsType::kA)));
    out.add(t += kGap, demogen::udpFrame(resolver, client, 53, port,
                                         demogen::dnsResponse(id, name, demogen::DnsType::kA, {})));
    t += kGap;
  }
}

}  // namespace

const std::vector<FloodScenario>& floodScenarios() {
  static const std::vector<FloodScenario> kScenarios = {
      {"syn-flood", 2'000'000, synFlood},
      {"holes", 200'000, holes},
      {"fragments", 300'000, fragments},
      {"host-sweep", 65'536, hostSweep},
      {"dns-random", 200'000, dnsRandom},
  };
  return kScenarios;
}

}  // namespace mamori::floodgen
