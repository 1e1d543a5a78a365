// Fuzz target: the SMTP plug-in's per-flow parser (line framing, commands and replies, DATA
// and BDAT, the MIME decoder and its files under it), as AppParsers drives it
// (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/smtp_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::SmtpProtocol(), data, size);
  return 0;
}
