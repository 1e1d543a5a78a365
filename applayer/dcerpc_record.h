#pragma once
// What a DCE/RPC call puts in a record, for whichever protocol carries it (the DCERPC
// plug-in over TCP, the SMB plug-in for named pipes):
//   - addDcerpcFields(): its fields for rules, named as Suricata's keywords are:
//       dcerpc.iface     one per interface bound to the call's context and accepted by its
//                        ack: the UUID's 16 bytes in text order, the major version as 2
//                        big-endian bytes, and a flags byte (kDcerpcIfaceFirstFragment:
//                        the request's first fragment was seen; kDcerpcIfaceBoundInFirst:
//                        the bind offered it in a first fragment) that rules/
//                        dcerpc_keywords.h reads for any_frag;
//       dcerpc.opnum     the request's operation number (4 big-endian bytes);
//       dcerpc.stub_data this side's stub, fragments joined.
//     The first two only on a call whose request was seen (Suricata's first_request_seen),
//     none on a call reported unreplied (its request's record had them).
//   - writeDcerpcEve(): the members of the EVE `dcerpc` object Suricata writes for the
//     exchange (request, req, interfaces, response, res, call_id, rpc_version), into an
//     object the caller opened.
#include <cstdint>

#include "applayer/dcerpc_call.h"
#include "applayer/eve_object_writer.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

inline constexpr uint8_t kDcerpcIfaceFirstFragment = 0x01;
inline constexpr uint8_t kDcerpcIfaceBoundInFirst = 0x02;

void addDcerpcFields(const DcerpcCall& c, ProtocolTransaction& tx);
void writeDcerpcEve(const DcerpcCall& c, EveObjectWriter& eve);

}  // namespace mamori
