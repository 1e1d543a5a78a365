#include "applayer/quic_crypto_stream.h"

#include <algorithm>
#include <cstring>

namespace mamori {

bool QuicCryptoStream::add(uint64_t offset, const uint8_t* data, size_t len) {
  if (offset > kMaxBytes || len > kMaxBytes - offset) return false;
  if (!len) return true;
  const auto begin = static_cast<uint32_t>(offset), end = static_cast<uint32_t>(offset + len);
  if (end > bytes_.size()) {
    const size_t grow = end - bytes_.size();
    if (memory_ && !memory_->take(grow)) return false;
    charged_ += grow;
    bytes_.resize(end);
  }
  std::memcpy(bytes_.data() + begin, data, len);
  // Merge [begin, end) with the pieces it overlaps or touches.
  Piece merged{begin, end};
  size_t out = 0;
  std::array<Piece, kMaxPieces + 1> next{};
  bool placed = false;
  for (size_t i = 0; i < count_; ++i) {
    const Piece p = pieces_[i];
    if (p.end < merged.begin) {
      next[out++] = p;
    } else if (merged.end < p.begin) {
      if (!placed) next[out++] = merged;
      placed = true;
      next[out++] = p;
    } else {
      merged = {std::min(p.begin, merged.begin), std::max(p.end, merged.end)};
    }
  }
  if (!placed) next[out++] = merged;
  if (out > kMaxPieces) return false;
  std::copy_n(next.begin(), out, pieces_.begin());
  count_ = out;
  return true;
}

std::string_view QuicCryptoStream::prefix() const {
  if (!count_ || pieces_[0].begin != 0) return {};
  return std::string_view(bytes_).substr(0, pieces_[0].end);
}

bool QuicCryptoStream::message(uint8_t& type, const uint8_t*& body, size_t& len) const {
  const std::string_view whole = prefix();
  if (whole.size() < 4) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(whole.data());
  const size_t length = static_cast<size_t>(p[1]) << 16 | static_cast<size_t>(p[2]) << 8 | p[3];
  if (whole.size() - 4 < length) return false;
  type = p[0];
  body = p + 4;
  len = length;
  return true;
}

void QuicCryptoStream::release() {
  if (memory_) memory_->give(charged_);
  charged_ = 0;
  count_ = 0;
  std::string().swap(bytes_);
}

}  // namespace mamori
