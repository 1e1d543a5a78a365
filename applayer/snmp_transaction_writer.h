#pragma once
// SnmpTransactionWriter: a decoded SNMP message (SnmpMessage) as the record detection and EVE
// take (ProtocolTransaction): snmp.version, snmp.pdu_type, snmp.community and snmp.usm
// (rules/protocol_buffers.h), and the EVE `snmp` object as Suricata writes it: version,
// pdu_type by Suricata's names ("encrypted" for a v3 message whose PDU is sealed), the
// variables' names as dotted OIDs, a v1 trap's type, enterprise and agent address, community,
// usm. `version` is the flow's, set by its first message, as Suricata keeps it: a message of
// another version raises snmp.version_mismatch; a v3 security model other than USM raises
// snmp.unknown_security_model.
#include <cstdint>
#include <string>

#include "applayer/eve_object_writer.h"
#include "applayer/protocol_transaction.h"
#include "applayer/snmp_message.h"

namespace mamori {

class SnmpTransactionWriter {
 public:
  void write(const SnmpMessage& m, uint32_t flow_version, ProtocolTransaction& out);

 private:
  EveObjectWriter eve_;
  std::string scratch_;
};

}  // namespace mamori
