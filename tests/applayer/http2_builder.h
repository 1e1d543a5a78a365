#pragma once
// Hand-built HTTP/2 bytes for the tests: a frame with its 9-byte header filled in, and one
// side's HPACK encoder (nghttp2's deflater: a real encoder, dynamic table and Huffman
// included), whose blocks refer to what it put in its table before.
#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mamori::test::h2 {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline std::string frame(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
  const size_t n = payload.size();
  std::string f{static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n), static_cast<char>(type),
                static_cast<char>(flags), static_cast<char>(stream >> 24), static_cast<char>(stream >> 16),
                static_cast<char>(stream >> 8), static_cast<char>(stream)};
  return f + payload;
}

class Encoder {
 public:
  Encoder() { nghttp2_hd_deflate_new(&deflater_, 4096); }
  ~Encoder() { nghttp2_hd_deflate_del(deflater_); }
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  std::string block(const Headers& headers) {
    std::vector<nghttp2_nv> nv;
    for (const auto& [n, v] : headers) {
      nv.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(), NGHTTP2_NV_FLAG_NONE});
    }
    std::string out(nghttp2_hd_deflate_bound(deflater_, nv.data(), nv.size()), '\0');
    const ssize_t n =
        nghttp2_hd_deflate_hd(deflater_, reinterpret_cast<uint8_t*>(out.data()), out.size(), nv.data(), nv.size());
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return out;
  }

 private:
  nghttp2_hd_deflater* deflater_ = nullptr;
};

}  // namespace mamori::test::h2
