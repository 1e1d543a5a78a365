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

}  // namespace mamori
