#include "applayer/dnp3_link_frame.h"

#include <array>

namespace mamori {
namespace {

constexpr uint8_t kStart0 = 0x05, kStart1 = 0x64;
constexpr size_t kBlock = 16;

constexpr std::array<uint16_t, 256> crcTable() {
  std::array<uint16_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint16_t crc = static_cast<uint16_t>(i);
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ 0xA6BC) : static_cast<uint16_t>(crc >> 1);
    t[i] = crc;
  }
  return t;
}
constexpr auto kCrcTable = crcTable();

bool crcHolds(const uint8_t* data, size_t len) {
  const uint16_t crc = dnp3Crc(data, len);
  return data[len] == (crc & 0xff) && data[len + 1] == (crc >> 8);
}

}  // namespace

uint16_t dnp3Crc(const uint8_t* data, size_t len) {
  uint16_t crc = 0;
  for (size_t i = 0; i < len; ++i) crc = static_cast<uint16_t>((crc >> 8) ^ kCrcTable[(crc ^ data[i]) & 0xff]);
  return static_cast<uint16_t>(~crc);
}

size_t Dnp3LinkFrame::frameSize(const uint8_t* data, size_t len) {
  if (len < kHeaderSize) return 0;
  const size_t user = data[2] < kMinLength ? 0 : data[2] - kMinLength;
  return kHeaderSize + user + 2 * ((user + kBlock - 1) / kBlock);
}

ProbeResult Dnp3LinkFrame::probe(const uint8_t* data, size_t len) {
  if (len < 3) return ProbeResult::Unsure;
  return data[0] == kStart0 && data[1] == kStart1 && data[2] >= kMinLength ? ProbeResult::Match : ProbeResult::NoMatch;
}

bool Dnp3LinkFrame::read(const uint8_t* data, size_t len) {
  const size_t size = frameSize(data, len);
  if (size == 0 || size > len || data[0] != kStart0 || data[1] != kStart1 || data[2] < kMinLength) return false;
  length = data[2];
  control = data[3];
  destination = static_cast<uint16_t>(data[4] | data[5] << 8);
  source = static_cast<uint16_t>(data[6] | data[7] << 8);
  bad_header_crc = !crcHolds(data, 8);
  bad_data_crc = false;
  user_data.clear();
  for (size_t at = kHeaderSize; at < size;) {
    const size_t n = std::min(kBlock, size - at - 2);
    bad_data_crc |= !crcHolds(data + at, n);
    user_data.append(reinterpret_cast<const char*>(data + at), n);
    at += n + 2;
  }
  return true;
}

}  // namespace mamori
