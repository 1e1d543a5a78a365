#include "tools/demogen/datagram_exchanges.h"

#include <string_view>

#include "tools/demogen/wire_format.h"

namespace mamori::demogen {
namespace {

constexpr uint16_t kDnsPort = 53;
constexpr uint16_t kNtpPort = 123;
// NTP counts seconds from 1900, Unix from 1970.
constexpr uint64_t kNtpEpochOffset = 2'208'988'800ULL;

void putNtpTime(Bytes& out, Micros at) {
  putU32(out, static_cast<uint32_t>(static_cast<uint64_t>(at / kSecond) + kNtpEpochOffset));
  putU32(out, static_cast<uint32_t>((static_cast<uint64_t>(at % kSecond) << 32) / kSecond));
}

Micros replyDelay(Rng& rng, const Host& responder) { return 2 * responder.latencyToTap + rng.between(30, 300); }

}  // namespace

Micros dnsLookup(CaptureFile& capture, Rng& rng, Host& client, Host& resolver, Micros at, const std::string& name,
                 DnsType type, const std::vector<DnsRecord>& answers, Micros resolveTime) {
  const auto id = static_cast<uint16_t>(rng.next());
  const auto port = static_cast<uint16_t>(rng.between(client.stack.ephemeralLow, client.stack.ephemeralHigh));
  capture.add(at, udpFrame(client, resolver, port, kDnsPort, dnsQuery(id, name, type)));
  const Micros answeredAt = at + replyDelay(rng, resolver) + resolveTime;
  capture.add(answeredAt, udpFrame(resolver, client, kDnsPort, port, dnsResponse(id, name, type, answers)));
  return answeredAt;
}

Micros ntpPoll(CaptureFile& capture, Rng& rng, Host& client, Host& server, Micros at) {
  Bytes request{0x23, 0, 10, 0xe9};  // version 4, client mode, poll 2^10 s
  request.resize(40, 0);
  putNtpTime(request, at);

  const Micros answeredAt = at + replyDelay(rng, server);
  const Micros serverTime = at + server.latencyToTap;
  Bytes reply{0x24, 2, 10, 0xe7};  // version 4, server mode, stratum 2
  putU32(reply, 0x00000180);        // root delay, 16.16 seconds
  putU32(reply, 0x00000390);        // root dispersion
  putU32(reply, 0xc0000201);        // reference: its upstream, 192.0.2.1
  putNtpTime(reply, serverTime - 47 * kSecond);
  reply.insert(reply.end(), request.begin() + 40, request.begin() + 48);
  putNtpTime(reply, serverTime);
  putNtpTime(reply, serverTime + 25);

  capture.add(at, udpFrame(client, server, kNtpPort, kNtpPort, request));
  capture.add(answeredAt, udpFrame(server, client, kNtpPort, kNtpPort, reply));
  return answeredAt;
}

Micros ping(CaptureFile& capture, Rng& rng, Host& client, Host& target, Micros at, int count, bool unanswered) {
  constexpr std::string_view kPayload = "abcdefghijklmnopqrstuvwabcdefghi";
  const auto identifier = static_cast<uint16_t>(1);
  auto sequence = static_cast<uint16_t>(rng.between(1, 400));
  Micros last = at;
  for (int i = 0; i < count; ++i, ++sequence) {
    const Micros sentAt = at + i * kSecond;
    capture.add(sentAt, icmpEchoFrame(client, target, false, identifier, sequence, bytesOf(kPayload)));
    last = sentAt;
    if (unanswered) continue;
    last = sentAt + replyDelay(rng, target);
    capture.add(last, icmpEchoFrame(target, client, true, identifier, sequence, bytesOf(kPayload)));
  }
  return last;
}

}  // namespace mamori::demogen
