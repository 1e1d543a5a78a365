#include "applayer/smb_protocol.h"

#include "applayer/plugin_stream_buffers.h"
#include "applayer/smb_dcerpc_pipes.h"
#include "applayer/smb_session.h"

namespace mamori {
namespace {

constexpr size_t kNbssHeader = 4;
constexpr uint8_t kSessionMessage = 0x00;

// NetBIOS session service types other than a message: request, positive and negative
// response, retarget, keep-alive.
bool nbssControl(uint8_t type) { return type >= 0x81 && type <= 0x85; }

size_t nbssLength(const uint8_t* p) {
  // A session message's length is 24 bits under SMB2's direct TCP transport (RFC 1002's 17
  // plus the reserved bits, which SMB1 keeps 0); the control messages keep RFC 1002's 17.
  if (p[0] == kSessionMessage) return static_cast<size_t>(p[1]) << 16 | static_cast<size_t>(p[2]) << 8 | p[3];
  return static_cast<size_t>(p[1] & 1) << 16 | static_cast<size_t>(p[2]) << 8 | p[3];
}

class SmbFlowParser final : public AppProtocolParser {
 public:
  explicit SmbFlowParser(AppMemory* memory)
      : stream_(memory, SmbProtocol::kMaxRecord + kNbssHeader), pipes_(memory), session_(&pipes_) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    stream_.onData(dir, data, len, sink, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
  }

  void onGap(Direction dir) override {
    stream_.onGap(dir);
    session_.onGap(dir);
    pipes_.onGap(dir);
  }

  void onEnd(ProtocolSink& sink) override {
    session_.onEnd(sink);
    pipes_.onEnd(sink);
  }

 private:
  size_t consume(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
    size_t at = 0;
    while (len - at >= kNbssHeader) {
      const uint8_t type = data[at];
      const size_t length = nbssLength(data + at);
      if ((type != kSessionMessage && !nbssControl(type)) || length > SmbProtocol::kMaxRecord) {
        if (length > SmbProtocol::kMaxRecord) session_.flowEvent(AppLayerEvent::SmbRecordOverflow, sink);
        stream_.giveUp(dir, sink);
        return at;
      }
      if (len - at - kNbssHeader < length) return at;
      if (type == kSessionMessage && length) session_.onMessage(dir, data + at + kNbssHeader, length, sink);
      at += kNbssHeader + length;
    }
    return at;
  }

  PluginStreamBuffers stream_;
  SmbDcerpcPipes pipes_;  // DCE/RPC over the session's named pipes
  SmbSession session_;
};

}  // namespace

ProbeResult SmbProtocol::probe(uint8_t, Direction, const uint8_t* data, size_t len) const {
  if (len < 1) return ProbeResult::Unsure;
  if (data[0] != kSessionMessage) return nbssControl(data[0]) ? ProbeResult::Unsure : ProbeResult::NoMatch;
  if (len < kNbssHeader + 4) return ProbeResult::Unsure;
  const uint8_t* smb = data + kNbssHeader;
  const bool magic = (smb[0] == 0xff || smb[0] == 0xfe || smb[0] == 0xfd) && smb[1] == 'S' && smb[2] == 'M' && smb[3] == 'B';
  return magic ? ProbeResult::Match : ProbeResult::NoMatch;
}

// The parser and its session's tables with names of usual length; the TCP buffers charge
// themselves as they grow.
size_t SmbProtocol::parserBytes() const {
  return sizeof(SmbFlowParser) + 64 * (SmbSession::kMaxTransactions + SmbSession::kMaxTrees + SmbSession::kMaxFiles) * 4;
}

std::unique_ptr<AppProtocolParser> SmbProtocol::newParser(uint8_t, AppMemory* memory) const {
  return std::make_unique<SmbFlowParser>(memory);
}

}  // namespace mamori
