#pragma once
// WebsocketFrame: the header of one RFC 6455 frame (section 5.2): FIN, the RSV bits, the
// opcode, the masking key and the payload length in its 7-, 16- or 64-bit form.
#include <cstddef>
#include <cstdint>

namespace mamori {

struct WebsocketFrame {
  static constexpr size_t kMaxHeader = 14;  // 2 + 8 (64-bit length) + 4 (masking key)

  uint8_t flags = 0;   // FIN and RSV1-3 (the first byte's top nibble), as websocket.flags reads them
  uint8_t opcode = 0;
  bool masked = false;
  uint32_t mask = 0;   // the masking key, big-endian, as Suricata logs it
  uint64_t length = 0;
  size_t header_size = 0;

  bool fin() const { return (flags & 0x80) != 0; }
  // Close, ping and pong (opcodes 8-15): they may come between a message's fragments and are
  // no part of it.
  bool control() const { return (opcode & 0x08) != 0; }

  // Reads the header at `data`; false while `len` bytes do not hold all of it.
  bool read(const uint8_t* data, size_t len);
  // Unmasks `len` payload bytes in place, the first being the payload's `at`th.
  void unmask(uint8_t* data, size_t len, uint64_t at) const;
};

}  // namespace mamori
