// Fuzz target: the RDP plug-in's per-flow parser (TPKT framing, X.224 connection request and
// confirm with their negotiation, MCS Connect-Initial with the GCC client data blocks, the
// hand-over to TLS), as AppParsers drives it (fuzz/protocol_plugin_fuzz.h says how and what is
// checked).
#include "applayer/rdp_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::RdpProtocol(), data, size);
  return 0;
}
