#pragma once
// EnipTransactionWriter: decoded EtherNet/IP PDUs (EnipMessage) as the records detection and
// EVE take (ProtocolTransaction). A transaction is a request and the response that answers
// it (same command and session; same connected-data sequence number when both carry one), as
// Suricata pairs them. The request is inspected as it arrives (its record not logged); the
// response's record ends the transaction and carries the whole EVE `enip` object
// ({request: {...}, response: {...}}, Suricata 8's layout). A request nothing answers is
// written alone, a response no request asked for too.
//
// Fields, by keyword (rules/protocol_buffers.h): enip_command and enip.status on both sides;
// a request's cip_service (service, its path's logical segments, the attributes of a Get/Set
// Attribute List: the layout rules/cip_service_keyword.h reads), enip.cip_class,
// enip.cip_instance, enip.cip_attribute; a response's cip_service (service alone),
// enip.cip_status, enip.cip_extendedstatus; RegisterSession's enip.protocol_version; a
// ListIdentity reply's identity (vendor, device type, product code and name, revision,
// status, serial, state) and a ListServices reply's capabilities and service name. A
// Multiple Service Packet's services each add their own instances.
#include <cstdint>
#include <optional>
#include <string>

#include "applayer/enip_message.h"
#include "capture/direction.h"
#include "applayer/eve_object_writer.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

// A request still waiting for its response.
struct EnipOpenRequest {
  uint64_t tx_id = 0;
  uint16_t command = 0;
  uint32_t session = 0;
  std::optional<uint16_t> sequence;
  Direction dir = Direction::ToServer;  // the side that sent it
  std::string eve;  // the request's EVE object
};

class EnipTransactionWriter {
 public:
  // The request's record (inspected, not logged) and its EVE object kept in `open`.
  void request(const EnipMessage& m, EnipOpenRequest& open, ProtocolTransaction& out);
  // The response's record, written with `open`'s request when it answers one (null: alone).
  void response(const EnipMessage& m, const EnipOpenRequest* open, uint64_t tx_id, ProtocolTransaction& out);
  // A request no response answered, written alone (no fields: it was inspected already).
  void unanswered(const EnipOpenRequest& open, ProtocolTransaction& out);

  // Whether `response` answers `request`.
  static bool answers(const EnipOpenRequest& request, const EnipMessage& response);

 private:
  void fields(const EnipMessage& m, ProtocolTransaction& out);
  void cipFields(const CipMessage& c, ProtocolTransaction& out);
  // One side's object ({command, status, ...}) into `into`.
  void side(const EnipMessage& m, std::string& into);
  void cip(const CipMessage& c, const EnipMessage* outer);
  void namedOrUnknown(const char* key, std::string_view name, uint32_t value);
  void member(const char* key, uint64_t value);

  EveObjectWriter eve_;
  std::string scratch_;
  std::string field_;
};

}  // namespace mamori
