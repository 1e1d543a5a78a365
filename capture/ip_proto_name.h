#pragma once
// An IP protocol number as Suricata's EVE spells it ("TCP", "UDP", "ICMP", "IPv6-ICMP",
// else the number): what flow and alert records carry and correlation rules select on.
#include <cstdint>
#include <string>

namespace mamori {

std::string ipProtoName(uint8_t proto);

}  // namespace mamori
