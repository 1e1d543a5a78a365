#include "applayer/dcerpc_protocol.h"

#include "applayer/dcerpc_conversation.h"
#include "applayer/dcerpc_record.h"
#include "applayer/eve_object_writer.h"

namespace mamori {
namespace {

class DcerpcFlowParser final : public AppProtocolParser, DcerpcCallSink {
 public:
  explicit DcerpcFlowParser(AppMemory* memory) : conversation_(memory) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    sink_ = &sink;
    conversation_.onData(dir, data, len, *this);
  }
  void onGap(Direction dir) override { conversation_.onGap(dir); }
  void onEnd(ProtocolSink& sink) override {
    sink_ = &sink;
    conversation_.onEnd(*this);
  }

 private:
  void call(Direction dir, const DcerpcCall& c) override {
    tx_.clear();
    tx_.protocol = "dcerpc";
    addDcerpcFields(c, tx_);
    eve_.begin();
    writeDcerpcEve(c, eve_);
    eve_.finish(tx_.eve);
    // The client's side opens the transaction; the answer (or the flow's end) closes it.
    tx_.logged = c.unreplied || !dcerpcOpensCall(c.type);
    tx_.tx_id = tx_.logged ? next_tx_++ : next_tx_;
    sink_->emit(dir, tx_);
  }
  void malformed() override { sink_->malformed(); }

  DcerpcConversation conversation_;
  ProtocolSink* sink_ = nullptr;
  EveObjectWriter eve_;
  ProtocolTransaction tx_;
  uint64_t next_tx_ = 0;
};

}  // namespace

ProbeResult DcerpcProtocol::probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const {
  if (transport != kTcp) return ProbeResult::NoMatch;
  if ((len >= 1 && data[0] != 5) || (len >= 2 && data[1] > 1)) return ProbeResult::NoMatch;
  if (len < DcerpcPduHeader::kSize) return ProbeResult::Unsure;
  DcerpcPduHeader h;
  if (!dcerpc_pdu::readHeader(data, h)) return ProbeResult::NoMatch;
  // A client opens with a bind (or alter_context, or a request on an association it
  // already has); a server answers with an ack.
  const auto type = static_cast<DcerpcPduType>(h.type);
  const bool fits = dir == Direction::ToServer
                        ? type == DcerpcPduType::Bind || type == DcerpcPduType::AlterContext || type == DcerpcPduType::Request
                        : type == DcerpcPduType::BindAck || type == DcerpcPduType::BindNak ||
                              type == DcerpcPduType::AlterContextResp || type == DcerpcPduType::Response ||
                              type == DcerpcPduType::Fault;
  return fits ? ProbeResult::Match : ProbeResult::NoMatch;
}

// The parser with its conversation (context and pending-call tables, its EVE writer and
// record); the PDU and stub buffers charge themselves as they grow.
size_t DcerpcProtocol::parserBytes() const { return sizeof(DcerpcFlowParser) + 1024; }

std::unique_ptr<AppProtocolParser> DcerpcProtocol::newParser(uint8_t, AppMemory* memory) const {
  return std::make_unique<DcerpcFlowParser>(memory);
}

}  // namespace mamori
