#pragma once
// DcerpcProtocol: connection-oriented DCE/RPC (DCE 1.1 chapter 12, MS-RPCE 2.2.2) over TCP
// as an app-layer plug-in: the endpoint mapper on 135 and the dynamic ports it hands out,
// which nDPI names "dcerpc" or the bytes show (version 5.0 / 5.1, a connection-oriented
// PDU type, a frag_length that holds the header). DcerpcConversation does the work; each
// side of a call is a record (EVE `dcerpc`) with the fields applayer/dcerpc_record.h
// lists. A request, bind or alter_context record is inspected at once but not logged
// (ProtocolTransaction::logged): its answer's record writes the whole exchange, as
// Suricata logs a transaction, and is what app_layer.tx.dcerpc counts; a request never
// answered is written at the flow's end (response UNREPLIED).
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class DcerpcProtocol final : public AppProtocol {
 public:
  std::string_view name() const override { return "dcerpc"; }
  uint8_t transports() const override { return kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 135; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
