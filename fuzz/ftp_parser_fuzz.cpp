// Fuzz target: the FTP control plug-in's per-flow parser (line cutting at the length bound,
// multi-line and preliminary replies, PORT/EPRT/PASV/EPSV parsing, the open transactions, TLS
// records stepped over after AUTH TLS) as AppParsers drives it (fuzz/protocol_plugin_fuzz.h
// says how and what is checked).
#include "applayer/ftp_protocol.h"
#include "fuzz/protocol_plugin_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mamori::fuzz::fuzzProtocolPlugin(mamori::FtpProtocol(), data, size);
  return 0;
}
