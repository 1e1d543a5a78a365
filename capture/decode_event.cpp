#include "capture/decode_event.h"

namespace mamori {

const char* decodeEventName(DecodeEvent e) {
  static constexpr const char* kNames[] = {
#define MAMORI_NAME(name, text) text,
      MAMORI_DECODE_EVENTS(MAMORI_NAME)
#undef MAMORI_NAME
  };
  auto i = static_cast<size_t>(e);
  return i < kDecodeEventCount ? kNames[i] : "unknown";
}

}  // namespace mamori
