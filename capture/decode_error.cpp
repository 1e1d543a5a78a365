#include "capture/decode_error.h"

namespace mamori {

const char* decodeErrorName(DecodeError e) {
  static constexpr const char* kNames[] = {
#define MAMORI_NAME(name, text) text,
      MAMORI_DECODE_ERRORS(MAMORI_NAME)
#undef MAMORI_NAME
  };
  auto i = static_cast<size_t>(e);
  return i < kDecodeErrorCount ? kNames[i] : "unknown";
}

}  // namespace mamori
