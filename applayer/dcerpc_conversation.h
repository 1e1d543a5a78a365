#pragma once
// DcerpcConversation: the connection-oriented DCE/RPC calls of one byte stream of PDUs per
// side: a TCP connection (applayer/dcerpc_protocol.h), or one SMB named pipe's writes
// (ToServer) and reads (ToClient). It frames PDUs by frag_length, joins a call's fragments
// (first / last flags) into one stub, keeps the presentation contexts binds and
// alter_contexts offered with the results their acks gave, pairs each response, fault and
// ack with its request by call_id, and hands every side of a call to a DcerpcCallSink.
//
// Bounded whatever comes: a PDU is at most 64 KiB (frag_length is 16 bits) and only an
// unfinished one is held per side; a call's stub keeps its first kMaxStub bytes (its size
// is still counted); kMaxContexts contexts, kMaxPending calls awaiting their answer (the
// oldest is reported unreplied to make room). Held bytes are charged to the AppMemory.
// Bytes that are not DCE/RPC or a PDU whose body does not fit it end parsing of that side
// (counted as malformed). After a gap, a side drops what it held (its unfinished call too)
// and its segments until one starts with a PDU header, as Suricata resynchronises.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "applayer/app_memory.h"
#include "applayer/dcerpc_call.h"
#include "applayer/dcerpc_pdu.h"
#include "applayer/plugin_stream_buffers.h"
#include "capture/direction.h"

namespace mamori {

class DcerpcCallSink {
 public:
  virtual ~DcerpcCallSink() = default;
  // A side of a call is complete (a request with all its fragments, its answer); `dir` is
  // the side that sent it; a request never answered is reported ToClient (c.unreplied).
  virtual void call(Direction dir, const DcerpcCall& c) = 0;
  virtual void malformed() = 0;
};

class DcerpcConversation {
 public:
  static constexpr size_t kMaxPdu = 0xffff;
  static constexpr size_t kMaxStub = 256 << 10;
  static constexpr size_t kMaxContexts = 32;
  static constexpr size_t kMaxPending = 16;

  explicit DcerpcConversation(AppMemory* memory);

  void onData(Direction dir, const uint8_t* data, size_t len, DcerpcCallSink& sink);
  void onGap(Direction dir);
  // The stream ended: each request still awaiting its answer is reported unreplied.
  void onEnd(DcerpcCallSink& sink);

 private:
  // A call one side is sending, fragment by fragment.
  struct Assembly {
    explicit Assembly(AppMemory* memory) : stub(memory) {}
    bool active = false;
    DcerpcPduType type = DcerpcPduType::Request;
    uint32_t call_id = 0;
    uint16_t context_id = 0, opnum = 0;
    bool first_fragment = false;
    uint32_t fragments = 0, stub_size = 0;
    BudgetedBuffer stub;
  };
  // A request, bind or alter_context awaiting its answer.
  struct Pending {
    DcerpcPduType type = DcerpcPduType::Request;
    uint32_t call_id = 0;
    uint16_t context_id = 0, opnum = 0;
    bool first_fragment = false;
    uint32_t fragments = 0, stub_size = 0;
    uint64_t order = 0;
  };
  struct Context {
    DcerpcInterface iface;
    uint32_t bind_call_id = 0;
    uint8_t position = 0;  // in its bind's list, which its ack's results follow
  };

  size_t consume(Direction dir, const uint8_t* data, size_t len, DcerpcCallSink& sink);
  void pdu(Direction dir, const DcerpcPduHeader& h, const uint8_t* data, DcerpcCallSink& sink);
  void fragment(Direction dir, const DcerpcPduHeader& h, const DcerpcPduCall& body, DcerpcCallSink& sink);
  void bind(Direction dir, const DcerpcPduHeader& h, const uint8_t* data, DcerpcCallSink& sink);
  void bindAck(Direction dir, const DcerpcPduHeader& h, const uint8_t* data, DcerpcCallSink& sink);
  static Pending pendingOf(const Assembly& a);
  static std::string_view stubOf(const Assembly& a);
  // What the call's request said, into call_.
  void describeRequest(const Pending& p);
  void finishRequest(Direction dir, Assembly& a, DcerpcCallSink& sink);
  void finishResponse(Direction dir, Assembly& a, DcerpcCallSink& sink);
  void remember(const Pending& p, DcerpcCallSink& sink);
  bool answer(uint32_t call_id, Pending& out);
  void reportUnreplied(const Pending& p, DcerpcCallSink& sink);
  // Fills call_.interfaces with the contexts of `context_id` (a request's) or of the bind `call_id`.
  void contextsOf(uint16_t context_id);
  void offeredBy(uint32_t call_id);
  void startCall(DcerpcPduType type, uint32_t call_id);

  PluginStreamBuffers stream_;
  Assembly assembly_[2];
  std::array<Context, kMaxContexts> contexts_;
  size_t context_count_ = 0;
  std::array<Pending, kMaxPending> pending_;
  size_t pending_count_ = 0;
  uint64_t next_order_ = 0;
  bool resync_[2] = {false, false};  // after a gap: waiting for a segment starting a PDU
  uint8_t version_minor_ = 0;
  bool little_endian_ = true;
  // What a call hands on: scratch, refilled per call.
  DcerpcCall call_;
  std::array<DcerpcInterface, kMaxContexts> view_;
};

}  // namespace mamori
