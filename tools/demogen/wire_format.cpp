#include "tools/demogen/wire_format.h"

namespace mamori::demogen {
namespace {

constexpr uint8_t kProtocolIcmp = 1;
constexpr uint8_t kProtocolTcp = 6;
constexpr uint8_t kProtocolUdp = 17;
constexpr size_t kEthernetHeader = 14;
constexpr size_t kIpv4Header = 20;
// A tap sees frames as they cross the wire, where Ethernet pads them to its minimum.
constexpr size_t kMinimumFrame = 60;

uint32_t sumWords(std::span<const uint8_t> data, uint32_t sum = 0) {
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += (uint32_t{data[i]} << 8) | data[i + 1];
  if (i < data.size()) sum += uint32_t{data[i]} << 8;
  return sum;
}

uint16_t foldChecksum(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// TCP and UDP checksums cover a pseudo header the frame never carries.
uint16_t transportChecksum(Ipv4Address from, Ipv4Address to, uint8_t protocol,
                           std::span<const uint8_t> transport) {
  uint32_t sum = (from.value >> 16) + (from.value & 0xffff) + (to.value >> 16) + (to.value & 0xffff);
  sum += protocol;
  sum += static_cast<uint32_t>(transport.size());
  return foldChecksum(sumWords(transport, sum));
}

void setU16(Bytes& out, size_t at, uint16_t value) {
  out[at] = static_cast<uint8_t>(value >> 8);
  out[at + 1] = static_cast<uint8_t>(value);
}

// Wraps a finished transport header + payload (or a piece of one) in IPv4 and Ethernet;
// `fragmentWord` is the IPv4 flags and fragment offset field.
Bytes frame(Host& from, const Host& to, uint8_t protocol, uint16_t identification, uint16_t fragmentWord,
            std::span<const uint8_t> transport) {
  Bytes out;
  out.reserve(kEthernetHeader + kIpv4Header + transport.size());
  out.insert(out.end(), to.mac.octets.begin(), to.mac.octets.end());
  out.insert(out.end(), from.mac.octets.begin(), from.mac.octets.end());
  putU16(out, 0x0800);

  const size_t ip = out.size();
  out.push_back(0x45);
  out.push_back(0x00);
  putU16(out, static_cast<uint16_t>(kIpv4Header + transport.size()));
  putU16(out, identification);
  putU16(out, fragmentWord);
  out.push_back(from.ttlAtTap());
  out.push_back(protocol);
  putU16(out, 0);
  putU32(out, from.ip.value);
  putU32(out, to.ip.value);
  setU16(out, ip + 10, foldChecksum(sumWords(std::span(out).subspan(ip, kIpv4Header))));

  out.insert(out.end(), transport.begin(), transport.end());
  if (out.size() < kMinimumFrame) out.resize(kMinimumFrame, 0);
  return out;
}

Bytes frame(Host& from, const Host& to, uint8_t protocol, bool dontFragment, const Bytes& transport) {
  return frame(from, to, protocol, from.nextIpId++, dontFragment ? 0x4000 : 0x0000, transport);
}

}  // namespace

void putU16(Bytes& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

void putU32(Bytes& out, uint32_t value) {
  putU16(out, static_cast<uint16_t>(value >> 16));
  putU16(out, static_cast<uint16_t>(value));
}

Bytes synOptions(uint16_t mss, uint8_t windowScale) {
  Bytes options{2, 4};
  putU16(options, mss);
  options.insert(options.end(), {1, 3, 3, windowScale, 1, 1, 4, 2});
  return options;
}

Bytes mssOption(uint16_t mss) {
  Bytes options{2, 4};
  putU16(options, mss);
  return options;
}

Bytes tcpFrame(Host& from, const Host& to, const TcpSegment& segment) {
  Bytes tcp;
  putU16(tcp, segment.sourcePort);
  putU16(tcp, segment.destinationPort);
  putU32(tcp, segment.seq);
  putU32(tcp, segment.ack);
  tcp.push_back(static_cast<uint8_t>(((20 + segment.options.size()) / 4) << 4));
  tcp.push_back(segment.flags);
  putU16(tcp, segment.window);
  putU16(tcp, 0);
  putU16(tcp, 0);
  tcp.insert(tcp.end(), segment.options.begin(), segment.options.end());
  tcp.insert(tcp.end(), segment.payload.begin(), segment.payload.end());
  setU16(tcp, 16, transportChecksum(from.ip, to.ip, kProtocolTcp, tcp));
  return frame(from, to, kProtocolTcp, true, tcp);
}

Bytes udpFrame(Host& from, const Host& to, uint16_t sourcePort, uint16_t destinationPort,
               std::span<const uint8_t> payload) {
  Bytes udp;
  putU16(udp, sourcePort);
  putU16(udp, destinationPort);
  putU16(udp, static_cast<uint16_t>(8 + payload.size()));
  putU16(udp, 0);
  udp.insert(udp.end(), payload.begin(), payload.end());
  uint16_t checksum = transportChecksum(from.ip, to.ip, kProtocolUdp, udp);
  // Zero means "no checksum" in UDP over IPv4, so a computed zero is sent as all ones.
  setU16(udp, 6, checksum == 0 ? 0xffff : checksum);
  return frame(from, to, kProtocolUdp, false, udp);
}

Bytes icmpEchoFrame(Host& from, const Host& to, bool reply, uint16_t identifier, uint16_t sequence,
                    std::span<const uint8_t> payload) {
  Bytes icmp{static_cast<uint8_t>(reply ? 0 : 8), 0, 0, 0};
  putU16(icmp, identifier);
  putU16(icmp, sequence);
  icmp.insert(icmp.end(), payload.begin(), payload.end());
  setU16(icmp, 2, foldChecksum(sumWords(icmp)));
  return frame(from, to, kProtocolIcmp, false, icmp);
}

Bytes ipv4Fragment(Host& from, const Host& to, uint8_t protocol, uint16_t identification, uint16_t offset,
                   bool moreFragments, std::span<const uint8_t> piece) {
  return frame(from, to, protocol, identification,
               static_cast<uint16_t>((moreFragments ? 0x2000 : 0) | ((offset / 8) & 0x1fff)), piece);
}

}  // namespace mamori::demogen
