#pragma once
// DhcpTransactionWriter: a decoded DHCP message (DhcpMessage) as the record detection and EVE
// take (ProtocolTransaction): the times the dhcp.leasetime, dhcp.renewal_time and
// dhcp.rebinding_time keywords compare (rules/protocol_buffers.h), the malformed_options and
// truncated_options events, and the EVE `dhcp` object as Suricata 8 writes it in its extended
// form (relay_ip and next_server_ip on replies only; params by the names Suricata gives the
// codes it knows, the others left out). Hardware addresses and client identifiers are written
// as colon-separated hex, as Suricata does.
#include <string>

#include "applayer/dhcp_message.h"
#include "applayer/eve_object_writer.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

class DhcpTransactionWriter {
 public:
  void write(const DhcpMessage& m, ProtocolTransaction& out);

 private:
  void address(const char* key, const Ipv4Bytes& a);
  void addresses(const char* key, std::string_view packed);
  void hex(const char* key, std::string_view bytes);

  EveObjectWriter eve_;
  std::string scratch_;
};

}  // namespace mamori
