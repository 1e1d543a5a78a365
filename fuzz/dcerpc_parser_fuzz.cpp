// Fuzz target: the DCE/RPC plug-in's per-flow parser (PDU framing, fragment joining, the
// bind / ack context table and call pairing of DcerpcConversation, the EVE object and rule
// fields of each call), as AppParsers drives it (fuzz/protocol_plugin_fuzz.h says how and
// what is checked).
#include "applayer/dcerpc_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::DcerpcProtocol(), data, size);
  return 0;
}
