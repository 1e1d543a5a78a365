// Fuzz target: the MQTT plug-in's per-flow parser (remaining-length framing, the decoder of
// every packet type in versions 3.1 to 5.0, oversized packets stepped over, and the pairing
// of acknowledgements with their requests), as AppParsers drives it (fuzz/protocol_plugin_fuzz.h
// says how and what is checked). A small message bound, so that skipping is reached by short
// inputs.
#include "applayer/mqtt_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::MqttProtocol(256), data, size);
  return 0;
}
