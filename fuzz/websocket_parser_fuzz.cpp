// Fuzz target: the WebSocket plug-in's per-flow parser (frame headers in every length form,
// unmasking, the payload bound and skipping past it, fragment reassembly with control frames
// between), as AppParsers drives it after an upgrade (fuzz/protocol_plugin_fuzz.h says how
// and what is checked). A small payload bound, so that skipping and the reassembly limit are
// reached by short inputs.
#include "applayer/websocket_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::WebsocketProtocol(64), data, size);
  return 0;
}
