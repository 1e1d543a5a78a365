#pragma once
// SmbDcerpcPipes: DCE/RPC over SMB named pipes. It is the SMB session's SmbPipeSink: each
// pipe's payload (writes and transceives to the server, reads and transceive answers back)
// goes to a DcerpcConversation of its own, and each side of each call becomes an `smb`
// record carrying the call's dcerpc.iface / dcerpc.opnum / dcerpc.stub_data fields, inspected
// on the side that sent it (so `alert smb ... dcerpc.iface` and `alert dcerpc ...` rules match
// as Suricata's do). The records are inspected only: the SMB command that carried the bytes is
// the transaction the log gets.
//
// Bounded: at most kMaxPipes pipes per flow have a conversation (made when a pipe first
// carries data; the data of further pipes is refused, counted as malformed SMB), each bounded
// as DcerpcConversation says and charged to the AppMemory.
#include <array>
#include <memory>

#include "applayer/dcerpc_conversation.h"
#include "applayer/protocol_transaction.h"
#include "applayer/smb_pipe_sink.h"

namespace mamori {

class SmbDcerpcPipes final : public SmbPipeSink {
 public:
  static constexpr size_t kMaxPipes = 8;

  explicit SmbDcerpcPipes(AppMemory* memory) : memory_(memory) {}

  void onPipeData(Direction dir, const SmbFileId& pipe, const uint8_t* data, size_t len, ProtocolSink& sink) override;
  void onGap(Direction dir);
  void onEnd(ProtocolSink& sink);

 private:
  // Hands each side of a call on to the SMB flow's sink as an smb record.
  class Calls final : public DcerpcCallSink {
   public:
    void call(Direction dir, const DcerpcCall& c) override;
    void malformed() override { sink->malformed(); }
    ProtocolSink* sink = nullptr;
    ProtocolTransaction record;
    uint64_t next_call = 0;
  };
  struct Pipe {
    SmbFileId id;
    std::unique_ptr<DcerpcConversation> conversation;
  };

  AppMemory* memory_;
  std::array<Pipe, kMaxPipes> pipes_;
  size_t count_ = 0;
  Calls calls_;
};

}  // namespace mamori
