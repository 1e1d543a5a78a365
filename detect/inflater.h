#pragma once
// zlib inflation into a bounded output, for the gunzip and zlib_deflate transforms. One
// z_stream per worker, reset for each buffer, so inflating allocates nothing per call.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

struct z_stream_s;

namespace mamori {

class Inflater {
 public:
  enum class Format : uint8_t { Gzip, Zlib };

  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates data[0..length) into `out`, stopping after `max_size` bytes of output, so a
  // small input that expands hugely costs at most that much. The output of a stream cut
  // short is kept; corrupt data gives an empty `out`.
  void inflate(Format format, const uint8_t* data, size_t length, size_t max_size, std::string& out);

 private:
  std::unique_ptr<z_stream_s> stream_;
  bool ready_ = false;
};

}  // namespace mamori
