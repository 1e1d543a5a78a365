#include "tools/demogen/port_scan.h"

#include <algorithm>

#include "tools/demogen/wire_format.h"

namespace mamori::demogen {
namespace {

// nmap's wait before it probes a silent port again.
constexpr Micros kRetryAfter = 1'000'000;

Micros probe(CaptureFile& capture, Rng& rng, Host& scanner, Host& target, uint16_t sourcePort, uint16_t port,
             Micros at, ProbeAnswer answer) {
  // nmap sets a random IP ID on every raw probe.
  scanner.nextIpId = static_cast<uint16_t>(rng.next());
  const auto probeSeq = static_cast<uint32_t>(rng.next());
  const TcpSegment syn{sourcePort, port, probeSeq, 0, tcp_flag::kSyn, 1024, mssOption(1460), {}};
  capture.add(at, tcpFrame(scanner, target, syn));

  if (answer == ProbeAnswer::kSilent) {
    const Micros retryAt = at + kRetryAfter + rng.between(0, 50'000);
    scanner.nextIpId = static_cast<uint16_t>(rng.next());
    capture.add(retryAt, tcpFrame(scanner, target, syn));
    return retryAt;
  }
  const Micros answerAt = at + 2 * target.latencyToTap + rng.between(20, 80);
  if (answer == ProbeAnswer::kOpen) {
    TcpSegment accept{port, sourcePort, static_cast<uint32_t>(rng.next()), probeSeq + 1,
                      tcp_flag::kSyn | tcp_flag::kAck, target.stack.synWindow,
                      synOptions(1460, target.stack.windowScale), {}};
    capture.add(answerAt, tcpFrame(target, scanner, accept));
    const Micros resetAt = answerAt + 2 * scanner.latencyToTap + rng.between(20, 80);
    scanner.nextIpId = static_cast<uint16_t>(rng.next());
    TcpSegment reset{sourcePort, port, probeSeq + 1, 0, tcp_flag::kRst, 0, {}, {}};
    capture.add(resetAt, tcpFrame(scanner, target, reset));
    return resetAt;
  }
  TcpSegment refuse{port, sourcePort, 0, probeSeq + 1, tcp_flag::kRst | tcp_flag::kAck, 0, {}, {}};
  capture.add(answerAt, tcpFrame(target, scanner, refuse));
  return answerAt;
}

}  // namespace

std::vector<uint16_t> commonPorts(Rng& rng, size_t count) {
  std::vector<uint16_t> ports = {21,   22,    23,    25,    53,   80,   110,  111,  135,   139,  143,  443,  445,
                                 993,  995,   1723,  3306,  3389, 5900, 8080, 8443, 1025,  587,  199,  1720, 465,
                                 548,  113,   81,    6001,  10000, 514,  5060, 179,  1026,  2000, 8888, 444,  1027,
                                 32768, 49152, 49153, 49154, 8000, 5432, 6379, 9200, 27017, 11211, 2049};
  if (ports.size() > count) ports.resize(count);
  for (uint16_t port = 1; ports.size() < count; ++port) {
    if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
  }
  rng.shuffle(ports);
  return ports;
}

Micros synScan(CaptureFile& capture, Rng& rng, Host& scanner, Host& target, Micros at, const PortScan& scan) {
  const auto sourcePort = static_cast<uint16_t>(rng.between(40000, 65000));
  Micros last = at;
  Micros probeAt = at;
  for (uint16_t port : scan.ports) {
    const bool open = std::find(scan.openPorts.begin(), scan.openPorts.end(), port) != scan.openPorts.end();
    last = std::max(last, probe(capture, rng, scanner, target, sourcePort, port, probeAt,
                                open ? ProbeAnswer::kOpen : ProbeAnswer::kClosed));
    probeAt += scan.probeInterval + rng.between(0, scan.probeInterval / 2);
  }
  return last;
}

Micros synSweep(CaptureFile& capture, Rng& rng, Host& scanner, Micros at, const HostSweep& sweep) {
  const auto sourcePort = static_cast<uint16_t>(rng.between(40000, 65000));
  Micros last = at;
  Micros probeAt = at;
  for (const auto& [target, answer] : sweep.targets) {
    last = std::max(last, probe(capture, rng, scanner, *target, sourcePort, sweep.port, probeAt, answer));
    probeAt += sweep.probeInterval + rng.between(0, sweep.probeInterval / 2);
  }
  return last;
}

}  // namespace mamori::demogen
