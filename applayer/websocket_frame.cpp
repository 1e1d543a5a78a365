#include "applayer/websocket_frame.h"

namespace mamori {

bool WebsocketFrame::read(const uint8_t* data, size_t len) {
  if (len < 2) return false;
  flags = data[0] & 0xf0;
  opcode = data[0] & 0x0f;
  masked = (data[1] & 0x80) != 0;
  size_t at = 2;
  const uint8_t short_length = data[1] & 0x7f;
  const size_t extended = short_length == 126 ? 2 : short_length == 127 ? 8 : 0;
  if (len < at + extended + (masked ? 4 : 0)) return false;
  length = short_length;
  if (extended) {
    length = 0;
    for (size_t i = 0; i < extended; ++i) length = length << 8 | data[at + i];
    at += extended;
  }
  mask = 0;
  if (masked) {
    for (size_t i = 0; i < 4; ++i) mask = mask << 8 | data[at + i];
    at += 4;
  }
  header_size = at;
  return true;
}

void WebsocketFrame::unmask(uint8_t* data, size_t len, uint64_t at) const {
  if (!masked) return;
  for (size_t i = 0; i < len; ++i) {
    data[i] ^= static_cast<uint8_t>(mask >> (8 * (3 - (at + i) % 4)));
  }
}

}  // namespace mamori
