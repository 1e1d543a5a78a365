// Fuzz target: the asn1 keyword's BER decoding and checks. The first 8 bytes choose the
// keyword's options (which checks, the length limit, the offset and its kind, where the
// previous match ended); the rest is the inspected buffer. Seeds: certificates (DER)
// behind an 8-byte prefix.
#include <cstring>
#include <memory>

#include "detect/asn1_inspection.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  if (size < 8) return 0;
  Asn1Check check;
  check.bitstring_overflow = data[0] & 1;
  check.double_overflow = data[0] & 2;
  if (data[0] & 4) check.oversize_length = uint32_t{data[1]} << 8 | data[2];
  const int32_t offset = static_cast<int16_t>(data[3] << 8 | data[4]);
  if (data[0] & 8) check.absolute_offset = static_cast<uint16_t>(offset);
  if (data[0] & 16) check.relative_offset = offset;
  const size_t previous_end = uint32_t{data[5]} << 8 | data[6];
  // A buffer of its own, exactly its size, so reading past it is an overflow.
  const size_t n = size - 8;
  auto buffer = std::make_unique<uint8_t[]>(n ? n : 1);
  if (n) std::memcpy(buffer.get(), data + 8, n);
  volatile bool held = asn1CheckHolds(check, buffer.get(), n, previous_end);
  (void)held;
  return 0;
}
