// Fuzz target: the SNMP plug-in's per-flow parser (the BER envelope of v1, v2c and v3, USM
// parameters, PDUs and variable bindings, OID text, the EVE writer), as AppParsers drives it
// (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/snmp_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::SnmpProtocol(), data, size);
  return 0;
}
