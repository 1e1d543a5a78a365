// Fuzz target: the EtherNet/IP plug-in's per-flow parsers (encapsulation framing over TCP, a
// PDU per UDP datagram, the CIP decoder with its Multiple Service Packets, and the pairing of
// open requests under both), as AppParsers drives them (fuzz/protocol_plugin_fuzz.h says how
// and what is checked).
#include "applayer/enip_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::EnipProtocol(), data, size);
  return 0;
}
