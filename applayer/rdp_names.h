#pragma once
// The names Suricata's EVE `rdp` gives a client's numbers: its Windows build (Windows NT
// release builds, with their service pack or feature update), its keyboard layout (a
// Windows LCID, MS-LCID's locale names), its protocol version and keyboard type. A value
// without a name is "unknown", as Suricata writes it. The LCID table holds the locales of
// the languages RDP clients commonly run in (each language's neutral and main regional
// locale), not MS-LCID's whole list: a rarer locale reads "unknown" here where Suricata
// names it.
#include <cstdint>
#include <string_view>

namespace mamori {

std::string_view rdpBuildName(uint32_t build);
std::string_view rdpLocaleName(uint32_t lcid);
// RDP's client core version (MS-RDPBCGR 2.2.1.3.2): "v4", "v5", "v10.0" ... "v10.7".
std::string_view rdpVersionName(uint32_t version);
std::string_view rdpKeyboardTypeName(uint32_t type);

}  // namespace mamori
