#pragma once
// An IP protocol number as Suricata's EVE spells it ("TCP", "UDP", "ICMP", "IPv6-ICMP",
// else the number): what flow and alert records carry and correlation rules select on;
// and back, for records read from EVE.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mamori {

std::string ipProtoName(uint8_t proto);
// The number ipProtoName gives `name` for; nullopt for any other text.
std::optional<uint8_t> ipProtoNumber(std::string_view name);

}  // namespace mamori
