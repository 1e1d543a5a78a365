#include "applayer/snmp_transaction_writer.h"

#include <iterator>

#include "applayer/ipv4_text.h"
#include "applayer/snmp_message_decoder.h"

namespace mamori {
namespace {

// PDU types by their context tag number, as Suricata names them.
constexpr std::string_view kPduTypes[] = {"get_request",      "get_next_request", "response",
                                          "set_request",      "trap_v1",          "get_bulk_request",
                                          "inform_request",   "trap_v2",          "report"};
// RFC 1157's generic-trap values, as Suricata prints them.
constexpr std::string_view kTrapTypes[] = {"ColdStart", "WarmStart",       "LinkDown",          "LinkUp",
                                           "AuthenticationFailure", "EgpNeighborLoss", "EnterpriseSpecific"};

}  // namespace

void SnmpTransactionWriter::write(const SnmpMessage& m, uint32_t flow_version, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "snmp";
  out.addNumber("snmp.version", flow_version);
  if (m.has_pdu) out.addNumber("snmp.pdu_type", m.pdu_type);
  if (m.version < 3) out.add("snmp.community", m.community);
  if (m.usm) out.add("snmp.usm", m.usm_user);
  if (m.version != flow_version) raise(out.events, AppLayerEvent::SnmpVersionMismatch);
  if (m.version == 3 && !m.usm) raise(out.events, AppLayerEvent::SnmpUnknownSecurityModel);

  eve_.begin();
  eve_.key("version");
  eve_.number(flow_version);
  if (m.has_pdu) {
    eve_.key("pdu_type");
    eve_.string(kPduTypes[m.pdu_type]);
    if (m.pdu_type == SnmpMessage::kTrapV1) {
      eve_.named("trap_type", m.generic_trap < std::size(kTrapTypes) ? kTrapTypes[m.generic_trap] : "",
                 m.generic_trap);
      scratch_.clear();
      if (SnmpMessageDecoder::appendOid(m.trap_enterprise, scratch_)) eve_.text("trap_oid", scratch_);
      char text[16];
      eve_.text("trap_address", ipv4Text(m.trap_agent.data(), text));
    }
    if (m.var_count) {
      eve_.key("vars");
      eve_.startArray();
      for (size_t i = 0; i < m.var_count; ++i) {
        scratch_.clear();
        if (!SnmpMessageDecoder::appendOid(m.vars[i], scratch_)) scratch_ = "<invalid>";
        eve_.string(scratch_);
      }
      eve_.endArray();
    }
  } else if (m.encrypted) {
    eve_.key("pdu_type");
    eve_.string("encrypted");
  }
  if (m.version < 3) {
    eve_.key("community");
    eve_.string(m.community);
  }
  if (m.usm) {
    eve_.key("usm");
    eve_.string(m.usm_user);
  }
  eve_.finish(out.eve);
}

}  // namespace mamori
