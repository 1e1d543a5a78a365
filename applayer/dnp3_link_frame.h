#pragma once
// Dnp3LinkFrame: DNP3's data link layer (IEEE 1815 chapter 9) on TCP or UDP: a frame is the
// start bytes 0x05 0x64, a length, control, destination, source and the header's CRC, then
// its user data in blocks of 16 bytes each followed by its CRC. read() checks every CRC and
// gives the user data without them, as Suricata decodes frames for its transport layer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "applayer/app_protocol.h"

namespace mamori {

struct Dnp3LinkFrame {
  static constexpr size_t kHeaderSize = 10;
  static constexpr uint8_t kMinLength = 5;  // control, destination and source

  uint8_t length = 0, control = 0;
  uint16_t destination = 0, source = 0;
  bool bad_header_crc = false, bad_data_crc = false;
  std::string user_data;  // at most 250 bytes: reused, no allocation once grown

  // The size of the frame at `data` (CRCs included); 0 when its header is not all there.
  static size_t frameSize(const uint8_t* data, size_t len);
  // The start bytes and a length of at least kMinLength.
  static ProbeResult probe(const uint8_t* data, size_t len);
  // Reads one whole frame (`len` at least its frameSize, its length at least kMinLength).
  bool read(const uint8_t* data, size_t len);
};

// DNP3's CRC-16 (polynomial 0x3D65, reflected, complemented).
uint16_t dnp3Crc(const uint8_t* data, size_t len);

}  // namespace mamori
