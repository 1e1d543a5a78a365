#pragma once
// DcerpcCall: one side of a DCE/RPC connection-oriented call (DCE 1.1 chapter 12, MS-RPCE)
// as DcerpcConversation hands it on: a request with its fragments reassembled, the response
// or fault that answers it, a bind or alter_context with the interfaces it offers, and
// their acks. A call answering a request carries what the request said (its context's
// interface, opnum, fragments), so that rules on the response side see the call's
// interface as Suricata's do, and one EVE record describes the whole exchange.
//
// Views into the conversation's storage: valid during the sink's call only.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace mamori {

// The PDU types of the connection-oriented protocol, by their wire numbers.
enum class DcerpcPduType : uint8_t {
  Request = 0,
  Response = 2,
  Fault = 3,
  Bind = 11,
  BindAck = 12,
  BindNak = 13,
  AlterContext = 14,
  AlterContextResp = 15,
  Auth3 = 16,
  Shutdown = 17,
  CoCancel = 18,
  Orphaned = 19,
  Rts = 20,
};

// Suricata's names of the types (EVE `request` / `response`).
std::string_view dcerpcPduTypeName(DcerpcPduType type);
// A request, bind or alter_context: what a client sends to open a call its answer ends.
bool dcerpcOpensCall(DcerpcPduType type);

// An interface (abstract syntax) a bind offered for a presentation context, and the
// server's answer to it.
struct DcerpcInterface {
  std::array<uint8_t, 16> uuid{};  // in the order it is written as text (RFC 4122), whatever the drep
  uint16_t version = 0, version_minor = 0;
  uint16_t context_id = 0;
  bool acked = false;   // the bind_ack / alter_context_resp was seen
  uint16_t result = 0;  // 0 acceptance, 1 user rejection, 2 provider rejection, ...
  bool first_fragment = true;  // offered in a PDU with the first-fragment flag
};

struct DcerpcCall {
  // This side's PDU type; for the server's side, the request type it answers, if seen.
  DcerpcPduType type = DcerpcPduType::Request;
  bool request_seen = false;   // the server's side: its request was seen (EVE: else REQUEST_LOST)
  DcerpcPduType request_type = DcerpcPduType::Request;
  // The server's side at the flow's end: the request was never answered (EVE: UNREPLIED);
  // no fields for rules (the request's record had them).
  bool unreplied = false;
  uint32_t call_id = 0;
  uint8_t rpc_version_minor = 0;
  bool little_endian = true;
  // A request (or the response answering one): its context, operation, whether its first
  // fragment was seen (dcerpc.iface matches only then unless any_frag), its fragments and
  // stub size, and the interfaces bound to its context.
  uint16_t context_id = 0;
  uint16_t opnum = 0;
  bool first_fragment = false;
  uint32_t request_fragments = 0, request_stub_size = 0;
  uint32_t response_fragments = 0, response_stub_size = 0;
  // This side's stub data, fragments joined (at most DcerpcConversation::kMaxStub bytes).
  std::string_view stub;
  // A request and its response: the interfaces bound to its context. A bind or
  // alter_context, and their acks: the interfaces it offered.
  std::span<const DcerpcInterface> interfaces;
};

}  // namespace mamori
