// Fuzz target: the LDAP plug-in's per-flow parsers (BER message framing over TCP, a message
// per UDP datagram, the decoder and the open transactions under both), as AppParsers drives
// them (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/ldap_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::LdapProtocol(), data, size);
  return 0;
}
