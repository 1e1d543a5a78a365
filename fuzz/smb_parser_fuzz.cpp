// Fuzz target: the SMB plug-in's per-flow parser (NBSS framing, SMB1 ANDX chains, SMB2
// compounds, NTLMSSP, the per-flow tables and files), as AppParsers drives it
// (fuzz/protocol_plugin_fuzz.h says how and what is checked).
#include "applayer/smb_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::SmbProtocol(), data, size);
  return 0;
}
