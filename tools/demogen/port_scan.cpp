#include "tools/demogen/port_scan.h"

#include <algorithm>

#include "tools/demogen/wire_format.h"

namespace mamori::demogen {

Micros synScan(CaptureFile& capture, Rng& rng, Host& scanner, Host& target, Micros at, const PortScan& scan) {
  const auto sourcePort = static_cast<uint16_t>(rng.between(40000, 65000));
  Micros last = at;
  Micros probeAt = at;
  for (uint16_t port : scan.ports) {
    // nmap sets a random IP ID on every raw probe.
    scanner.nextIpId = static_cast<uint16_t>(rng.next());
    const auto probeSeq = static_cast<uint32_t>(rng.next());
    TcpSegment probe{sourcePort, port, probeSeq, 0, tcp_flag::kSyn, 1024, mssOption(1460), {}};
    capture.add(probeAt, tcpFrame(scanner, target, probe));

    const Micros answerAt = probeAt + 2 * target.latencyToTap + rng.between(20, 80);
    const bool open = std::find(scan.openPorts.begin(), scan.openPorts.end(), port) != scan.openPorts.end();
    if (open) {
      TcpSegment accept{port, sourcePort, static_cast<uint32_t>(rng.next()), probeSeq + 1,
                        tcp_flag::kSyn | tcp_flag::kAck, target.stack.synWindow,
                        synOptions(1460, target.stack.windowScale), {}};
      capture.add(answerAt, tcpFrame(target, scanner, accept));
      const Micros resetAt = answerAt + 2 * scanner.latencyToTap + rng.between(20, 80);
      scanner.nextIpId = static_cast<uint16_t>(rng.next());
      TcpSegment reset{sourcePort, port, probeSeq + 1, 0, tcp_flag::kRst, 0, {}, {}};
      capture.add(resetAt, tcpFrame(scanner, target, reset));
      last = std::max(last, resetAt);
    } else {
      TcpSegment refuse{port, sourcePort, 0, probeSeq + 1, tcp_flag::kRst | tcp_flag::kAck, 0, {}, {}};
      capture.add(answerAt, tcpFrame(target, scanner, refuse));
      last = std::max(last, answerAt);
    }
    probeAt += scan.probeInterval + rng.between(0, scan.probeInterval / 2);
  }
  return last;
}

}  // namespace mamori::demogen
