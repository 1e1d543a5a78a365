#pragma once
// SmbPipeSink: where an SMB flow's named-pipe traffic goes (DCERPC over SMB:
// applayer/smb_dcerpc_pipes.h): per pipe, the payload of WRITE, IOCTL
// FSCTL_PIPE_TRANSCEIVE and SMB1 TRANS requests (ToServer) and of READ, IOCTL and TRANS
// responses (ToClient), in the order the parser reads them. An SmbSession made without one
// drops the bytes.
#include <cstddef>
#include <cstdint>

#include "applayer/app_protocol.h"
#include "capture/direction.h"

namespace mamori {

// A pipe as SMB names it: SMB2's 16-byte FileId, SMB1's 2-byte FID in `low`.
struct SmbFileId {
  uint64_t high = 0, low = 0;
  bool operator==(const SmbFileId&) const = default;
};

class SmbPipeSink {
 public:
  virtual ~SmbPipeSink() = default;
  virtual void onPipeData(Direction dir, const SmbFileId& pipe, const uint8_t* data, size_t len, ProtocolSink& sink) = 0;
};

}  // namespace mamori
