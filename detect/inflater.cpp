#include "detect/inflater.h"

#include <zlib.h>

#include <algorithm>

namespace mamori {
namespace {
// zlib's window bits: the largest window, plus 16 to expect a gzip header and trailer.
constexpr int kZlibBits = MAX_WBITS;
constexpr int kGzipBits = MAX_WBITS + 16;
}  // namespace

Inflater::Inflater() : stream_(std::make_unique<z_stream_s>()) {
  ready_ = inflateInit2(stream_.get(), kZlibBits) == Z_OK;
}

Inflater::~Inflater() {
  if (ready_) inflateEnd(stream_.get());
}

void Inflater::inflate(Format format, const uint8_t* data, size_t length, size_t max_size, std::string& out) {
  out.clear();
  z_stream_s& z = *stream_;
  if (!ready_ || inflateReset2(&z, format == Format::Gzip ? kGzipBits : kZlibBits) != Z_OK) return;
  out.resize(max_size);
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(std::min<size_t>(length, UINT32_MAX));
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(max_size);
  // Z_FINISH runs until the stream ends, the input runs out or the output is full.
  const int rc = ::inflate(&z, Z_FINISH);
  if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
    out.clear();
    return;
  }
  out.resize(max_size - z.avail_out);
}

}  // namespace mamori
