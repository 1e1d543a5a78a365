#pragma once
// RdpTransactionWriter: a message of an RDP connection's start (RdpMessage) as the record
// detection and EVE take (ProtocolTransaction): the EVE `rdp` object as Suricata writes it,
// {tx_id, event_type} with initial_request's cookie, connect_request's client core data
// (version, desktop size, color depth, keyboard layout and type, build, client name, function
// keys, product id, digital product id) and channels, and the tls_handshake that ends the
// clear part of the connection. The negotiation's protocols and flags and a failure's code
// are read (they decide the hand-over to TLS) but not written: Suricata 8's EVE schema has no
// place for them in `rdp`.
#include <cstdint>
#include <string>

#include "applayer/eve_object_writer.h"
#include "applayer/protocol_transaction.h"
#include "applayer/rdp_message.h"

namespace mamori {

class RdpTransactionWriter {
 public:
  void write(const RdpMessage& m, uint64_t tx_id, ProtocolTransaction& out);
  void writeTlsHandshake(uint64_t tx_id, ProtocolTransaction& out);

 private:
  void begin(uint64_t tx_id, const char* event_type, ProtocolTransaction& out);
  void client(const RdpClientCore& c);
  void utf16(const char* key, std::string_view utf16le);

  EveObjectWriter eve_;
  std::string scratch_;
};

}  // namespace mamori
