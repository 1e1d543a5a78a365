#include "capture/ip_proto_name.h"

#include "capture/packet.h"

namespace mamori {

std::string ipProtoName(uint8_t proto) {
  switch (static_cast<IpProto>(proto)) {
    case IpProto::Tcp: return "TCP";
    case IpProto::Udp: return "UDP";
    case IpProto::Icmp: return "ICMP";
    case IpProto::Icmpv6: return "IPv6-ICMP";
    default: return std::to_string(proto);
  }
}

std::optional<uint8_t> ipProtoNumber(std::string_view name) {
  for (IpProto p : {IpProto::Tcp, IpProto::Udp, IpProto::Icmp, IpProto::Icmpv6}) {
    if (name == ipProtoName(static_cast<uint8_t>(p))) return static_cast<uint8_t>(p);
  }
  // A number exactly as ipProtoName writes it: no sign, no leading zero.
  if (name.empty() || name.size() > 3 || (name.size() > 1 && name[0] == '0')) return std::nullopt;
  unsigned n = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (n > 255) return std::nullopt;
  // Named protocols are never written as numbers.
  if (ipProtoName(static_cast<uint8_t>(n)) != name) return std::nullopt;
  return static_cast<uint8_t>(n);
}

}  // namespace mamori
