// Fuzz target: the DNP3 plug-in's per-flow parsers (link framing and CRCs over TCP, frames per
// UDP datagram, transport reassembly and the application header and object headers under
// both), as AppParsers drives them (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/dnp3_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::Dnp3Protocol(), data, size);
  return 0;
}
