#pragma once
// Where packets come from. A capture file and a live interface are both sources; the
// engine reading them does not know which it has.
#include <cstdint>
#include <string>

#include "capture/packet.h"

namespace mamori {

struct CaptureStats {
  bool available = false;  // live sources only
  uint64_t kernel_packets = 0, kernel_drops = 0, interface_drops = 0;
};

enum class ReadStatus { Packet, Idle, End, Error };

class PacketSource {
 public:
  virtual ~PacketSource() = default;
  // Packet: `out` is valid until the next call. Idle: a live source had nothing within
  // its read timeout. End: end of file, or stop() was called. Error: see error().
  virtual ReadStatus next(RawPacket& out) = 0;
  // Safe from a signal handler: the current or next next() returns End.
  virtual void stop() = 0;
  virtual bool live() const = 0;
  virtual CaptureStats stats() = 0;
  virtual const std::string& error() const = 0;
};

}  // namespace mamori
