// Fuzz target: the Kerberos 5 plug-in's per-flow parsers (record framing over TCP, a message
// per UDP datagram, the DER decoder under both), as AppParsers drives them
// (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/krb5_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::Krb5Protocol(), data, size);
  return 0;
}
