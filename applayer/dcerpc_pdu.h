#pragma once
// DcerpcPdu: reads one connection-oriented DCE/RPC PDU (DCE 1.1 section 12.6): the common
// 16-byte header, then the body of the types a call is made of. Every integer is in the
// PDU's data representation (drep byte 0: 0x10 little-endian, else big-endian). Bounds are
// checked against frag_length and the bytes given; a body that does not fit is refused
// (false), never read past. Nothing is allocated: the stub is a view into the PDU, the
// presentation contexts of a bind and the results of its ack go into caller-sized spans.
#include <cstddef>
#include <cstdint>
#include <span>

#include "applayer/dcerpc_call.h"

namespace mamori {

struct DcerpcPduHeader {
  static constexpr size_t kSize = 16;
  static constexpr uint8_t kFirstFragment = 0x01, kLastFragment = 0x02, kObjectUuid = 0x80;

  uint8_t version_minor = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  bool little_endian = true;
  uint16_t frag_length = 0, auth_length = 0;
  uint32_t call_id = 0;
};

// A request's or response's body.
struct DcerpcPduCall {
  uint16_t context_id = 0;
  uint16_t opnum = 0;  // requests only
  const uint8_t* stub = nullptr;
  size_t stub_length = 0;
};

// One presentation context of a bind / alter_context, or one result of its ack.
struct DcerpcPduContext {
  uint16_t context_id = 0;
  std::array<uint8_t, 16> uuid{};
  uint16_t version = 0, version_minor = 0;
};

namespace dcerpc_pdu {

// The header at `data` (at least kSize bytes); false when they are not a DCE/RPC 5.0/5.1
// connection-oriented header with a known type and a frag_length that holds its header.
bool readHeader(const uint8_t* data, DcerpcPduHeader& out);

// The PDU is `pdu` (frag_length bytes, header included).
bool readRequest(const DcerpcPduHeader& h, const uint8_t* pdu, DcerpcPduCall& out);
bool readResponse(const DcerpcPduHeader& h, const uint8_t* pdu, DcerpcPduCall& out);
// Bind / alter_context: `count` is set to the contexts the PDU lists, of which the first
// `out.size()` are read; false when the list does not fit the PDU.
bool readBind(const DcerpcPduHeader& h, const uint8_t* pdu, std::span<DcerpcPduContext> out, size_t& count);
// Bind_ack / alter_context_resp: the result of each context, in the bind's order.
bool readBindAck(const DcerpcPduHeader& h, const uint8_t* pdu, std::span<uint16_t> results, size_t& count);

}  // namespace dcerpc_pdu
}  // namespace mamori
