#include "tools/demogen/host_sweep_scenario.h"

#include "tools/demogen/datagram_exchanges.h"
#include "tools/demogen/http_message.h"
#include "tools/demogen/office_network.h"
#include "tools/demogen/port_scan.h"
#include "tools/demogen/tcp_conversation.h"

namespace mamori::demogen {
namespace {

constexpr uint16_t kSmbPort = 445;

// The server network: domain controller, file server and backup server share files; twenty
// Linux servers refuse SMB; ten appliances drop it but answer pings; the rest are empty.
constexpr uint8_t kFirstSmbServer = 10, kLastSmbServer = 12;
constexpr uint8_t kFirstLinuxServer = 20, kLastLinuxServer = 39;
constexpr uint8_t kFirstAppliance = 40, kLastAppliance = 49;

bool present(uint8_t octet) {
  return (octet >= kFirstSmbServer && octet <= kLastSmbServer) ||
         (octet >= kFirstLinuxServer && octet <= kLastAppliance);
}

ProbeAnswer smbAnswer(uint8_t octet) {
  if (octet >= kFirstSmbServer && octet <= kLastSmbServer) return ProbeAnswer::kOpen;
  if (octet >= kFirstLinuxServer && octet <= kLastLinuxServer) return ProbeAnswer::kClosed;
  return ProbeAnswer::kSilent;
}

}  // namespace

HostSweepScenario::HostSweepScenario(CaptureFile& capture, uint64_t seed, Micros start)
    : capture_(capture), rng_(seed), start_(start) {
  sweeper_ = officeHost(rng_, 23, kWindowsStack);
  monitor_ = officeHost(rng_, 6, kWindowsStack);
  user_ = officeHost(rng_, 14, kWindowsStack);
  for (int octet = 1; octet <= 254; ++octet) {
    // One router away, in the same building.
    servers_.push_back(remoteHost(rng_, ipv4(192, 168, 20, static_cast<uint8_t>(octet)), 1, rng_.between(150, 400)));
  }
}

void HostSweepScenario::generate() {
  monitoring(start_ + 5 * kSecond);
  unreachableDrives(start_ + 20 * kSecond);
  pingSweep(start_ + 60 * kSecond);
  smbSweep(start_ + 70 * kSecond);
}

void HostSweepScenario::monitoring(Micros at) {
  for (uint8_t octet = kFirstLinuxServer; octet <= kLastLinuxServer; ++octet) {
    ping(capture_, rng_, monitor_, server(octet), at, 1);
    at += rng_.between(100, 300) * kMillisecond;
  }
  for (uint8_t octet = kFirstLinuxServer; octet < kFirstLinuxServer + 8; ++octet) {
    TcpConversation connection(capture_, rng_, monitor_, server(octet), 80, at);
    connection.open();
    connection.send(Side::kClient, httpRequest("GET", "/health",
                                               {{"Host", "192.168.20." + std::to_string(octet)},
                                                {"User-Agent", "check_http/v2.3.3 (monitoring-plugins 2.3.3)"},
                                                {"Connection", "close"}}));
    connection.idle(rng_.between(1, 5) * kMillisecond);
    connection.send(Side::kServer, httpResponse(200, "OK", connection.now(),
                                                {{"Server", "nginx/1.24.0"},
                                                 {"Content-Type", "text/plain"},
                                                 {"Connection", "close"}},
                                                "ok\n"));
    connection.close(Side::kServer);
    at = connection.now() + rng_.between(200, 600) * kMillisecond;
  }
}

void HostSweepScenario::unreachableDrives(Micros at) {
  // Windows reconnects mapped drives at logon; these servers were retired.
  HostSweep drives{kSmbPort, {}, 150 * kMillisecond};
  for (uint8_t octet : {60, 61, 62}) drives.targets.emplace_back(&server(octet), ProbeAnswer::kSilent);
  synSweep(capture_, rng_, user_, at, drives);
}

void HostSweepScenario::pingSweep(Micros at) {
  // for /l %i in (1,1,254) do ping -n 1 -w 25 192.168.20.%i: each reply or timeout waited for.
  for (int octet = 1; octet <= 254; ++octet) {
    const bool down = !present(static_cast<uint8_t>(octet));
    ping(capture_, rng_, sweeper_, server(static_cast<uint8_t>(octet)), at, 1, down);
    at += down ? rng_.between(20, 30) * kMillisecond : rng_.between(2, 6) * kMillisecond;
  }
}

void HostSweepScenario::smbSweep(Micros at) {
  HostSweep sweep{kSmbPort, {}, 10 * kMillisecond};
  for (int octet = 1; octet <= 254; ++octet) {
    sweep.targets.emplace_back(&server(static_cast<uint8_t>(octet)), smbAnswer(static_cast<uint8_t>(octet)));
  }
  synSweep(capture_, rng_, sweeper_, at, sweep);
}

}  // namespace mamori::demogen
