// Fuzz target: the SIP plug-in's per-flow parsers, as AppParsers drives them
// (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/sip_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::SipProtocol(), data, size);
  return 0;
}
