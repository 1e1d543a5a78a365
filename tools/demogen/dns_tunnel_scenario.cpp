#include "tools/demogen/dns_tunnel_scenario.h"

#include "tools/demogen/datagram_exchanges.h"
#include "tools/demogen/office_network.h"

namespace mamori::demogen {
namespace {

constexpr int kTunnelQueries = 48;
constexpr int kReputationQueries = 12;
const char* const kTunnelDomain = "t.tunnel.example";

}  // namespace

DnsTunnelScenario::DnsTunnelScenario(CaptureFile& capture, uint64_t seed, Micros start)
    : capture_(capture), rng_(seed), start_(start) {
  resolver_ = officeHost(rng_, 2, kLinuxStack);
  tunneller_ = officeHost(rng_, 27, kWindowsStack);
  scanner_ = officeHost(rng_, 12, kWindowsStack);
  for (uint8_t octet : {15, 18, 31, 36}) workstations_.push_back(officeHost(rng_, octet, kWindowsStack));
}

void DnsTunnelScenario::generate() {
  ordinaryLookups(start_ + 2 * kSecond);
  reputationLookups(start_ + 30 * kSecond);
  tunnel(start_ + 60 * kSecond);
}

std::string DnsTunnelScenario::base32(size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";  // RFC 4648, case folded
  std::string out(length, 'a');
  for (char& c : out) c = kAlphabet[rng_.next() % 32];
  return out;
}

Micros DnsTunnelScenario::lookup(Host& client, Micros at, const std::string& name, DnsType type,
                                 std::vector<DnsRecord> answers) {
  // Nothing here is in the resolver's cache: every answer costs an upstream round trip.
  return dnsLookup(capture_, rng_, client, resolver_, at, name, type, answers, rng_.between(12, 45) * kMillisecond);
}

void DnsTunnelScenario::ordinaryLookups(Micros at) {
  struct Name {
    const char* name;
    Ipv4Address address;
  };
  // The tunnel's domain is also a web site, which its client visits like any other.
  const std::vector<Name> names = {
      {"www.tunnel.example", ipv4(198, 51, 100, 53)}, {"mail.tunnel.example", ipv4(198, 51, 100, 54)},
      {"www.example.org", ipv4(198, 51, 100, 10)},    {"news.example.com", ipv4(203, 0, 113, 40)},
      {"mail.example.com", ipv4(203, 0, 113, 25)},    {"static.example.net", ipv4(198, 51, 100, 30)},
  };
  for (size_t i = 0; i < 16; ++i) {
    // The tunneller asks for every name once, the others for any.
    const bool tunneller = i < names.size();
    const Name& name = tunneller ? names[i] : names[static_cast<size_t>(rng_.between(0, names.size() - 1))];
    Host& client = tunneller ? tunneller_ : rng_.pick(workstations_);
    lookup(client, at, name.name, DnsType::kA, {DnsRecord{name.name, DnsType::kA, 300, {}, ipv4Bytes(name.address)}});
    at += rng_.between(500, 2500) * kMillisecond;
  }
}

void DnsTunnelScenario::reputationLookups(Micros at) {
  // File reputation services take a hash of each new file encoded in the query name and
  // answer with a verdict address.
  for (int i = 0; i < kReputationQueries; ++i) {
    const std::string name = base32(static_cast<size_t>(rng_.between(26, 32))) + ".avqs.example.net";
    lookup(scanner_, at, name, DnsType::kA, {DnsRecord{name, DnsType::kA, 60, {}, {127, 0, 0, 1}}});
    at += rng_.between(1, 4) * kSecond;
  }
}

void DnsTunnelScenario::tunnel(Micros at) {
  for (int i = 0; i < kTunnelQueries; ++i) {
    const std::string name = base32(static_cast<size_t>(rng_.between(26, 58))) + "." + kTunnelDomain;
    const std::string reply = base32(static_cast<size_t>(rng_.between(16, 180)));
    lookup(tunneller_, at, name, DnsType::kTxt, {DnsRecord{name, DnsType::kTxt, 0, {}, txtData(reply)}});
    at += rng_.between(200, 450) * kMillisecond;
  }
}

}  // namespace mamori::demogen
