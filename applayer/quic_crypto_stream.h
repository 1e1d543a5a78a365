#pragma once
// QuicCryptoStream: one direction's CRYPTO frames of the Initial packets, put back in
// order by their offsets (frames come out of order, split over packets, or repeated), until
// the hello at its start is whole. Bounded: bytes past kMaxBytes are refused (a hello never
// needs them), and so are more disjoint pieces than kMaxPieces.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "applayer/app_memory.h"

namespace mamori {

class QuicCryptoStream {
 public:
  static constexpr size_t kMaxBytes = 16 << 10;
  static constexpr size_t kMaxPieces = 16;

  explicit QuicCryptoStream(AppMemory* memory) : memory_(memory) {}
  ~QuicCryptoStream() { release(); }
  QuicCryptoStream(const QuicCryptoStream&) = delete;
  QuicCryptoStream& operator=(const QuicCryptoStream&) = delete;

  // False when the data reaches past kMaxBytes, the pieces are too many or the budget is spent.
  bool add(uint64_t offset, const uint8_t* data, size_t len);
  // The handshake message at the stream's start once every byte of it came.
  bool message(uint8_t& type, const uint8_t*& body, size_t& len) const;
  // The bytes from the stream's start that came without a hole.
  std::string_view prefix() const;
  // The hello was read: the buffer goes back.
  void release();

 private:
  struct Piece {
    uint32_t begin, end;
  };

  AppMemory* const memory_;
  size_t charged_ = 0;
  std::string bytes_;
  std::array<Piece, kMaxPieces> pieces_{};  // sorted, disjoint, not touching
  size_t count_ = 0;
};

}  // namespace mamori
