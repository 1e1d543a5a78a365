// Fuzz target: the Modbus/TCP plug-in's per-flow parser (MBAP framing, the decoder of every
// function's requests and responses, and the pairing of open requests), as AppParsers drives it
// (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/modbus_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::ModbusProtocol(), data, size);
  return 0;
}
