// Fuzz target: the DHCP plug-in's per-flow parser (the BOOTP header, the option walk over the
// options field and the overloaded file and sname fields, the EVE writer), as AppParsers
// drives it (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/dhcp_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::DhcpProtocol(), data, size);
  return 0;
}
