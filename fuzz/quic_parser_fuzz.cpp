// Fuzz target: the QUIC plug-in's per-flow parser (long, short and gQUIC public headers,
// Initial unprotection and decryption, CRYPTO reassembly, TLS hellos and gQUIC CHLOs), as
// AppParsers drives it (fuzz/protocol_plugin_fuzz.h says how and what is checked). Mutated
// Initials rarely survive AES-GCM's tag: the seeds' clear gQUIC packets and the unit tests
// (tests/applayer/quic_protocol_test.cpp) reach the frame parsing behind it.
#include "applayer/quic_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::QuicProtocol(), data, size);
  return 0;
}
