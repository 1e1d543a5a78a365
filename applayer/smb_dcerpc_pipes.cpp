#include "applayer/smb_dcerpc_pipes.h"

#include "applayer/dcerpc_record.h"

namespace mamori {

void SmbDcerpcPipes::onPipeData(Direction dir, const SmbFileId& pipe, const uint8_t* data, size_t len,
                                ProtocolSink& sink) {
  calls_.sink = &sink;
  Pipe* p = nullptr;
  for (size_t i = 0; i < count_ && !p; ++i) {
    if (pipes_[i].id == pipe) p = &pipes_[i];
  }
  if (!p) {
    if (count_ == kMaxPipes) {
      sink.malformed();
      return;
    }
    p = &pipes_[count_++];
    p->id = pipe;
    p->conversation = std::make_unique<DcerpcConversation>(memory_);
  }
  p->conversation->onData(dir, data, len, calls_);
}

void SmbDcerpcPipes::onGap(Direction dir) {
  for (size_t i = 0; i < count_; ++i) pipes_[i].conversation->onGap(dir);
}

void SmbDcerpcPipes::onEnd(ProtocolSink& sink) {
  calls_.sink = &sink;
  for (size_t i = 0; i < count_; ++i) pipes_[i].conversation->onEnd(calls_);
}

void SmbDcerpcPipes::Calls::call(Direction dir, const DcerpcCall& c) {
  record.clear();
  record.protocol = "smb";
  record.tx_id = next_call++;
  record.logged = false;
  addDcerpcFields(c, record);
  if (!record.fields.empty()) sink->emit(dir, record);
}

}  // namespace mamori
