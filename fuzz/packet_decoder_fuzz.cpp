// Fuzz target: the packet decoder with IPv4/IPv6 defragmentation. Each record is one frame;
// its tag picks the link type (low 3 bits) and how many seconds of packet time pass before
// it (the rest), so fragment trains also time out. The reassembler is kept small so that
// eviction under memory pressure is reached too.
#include <cstring>
#include <memory>

#include "capture/decoder.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/link_types.h"

namespace {

// Reads every byte a decoded packet points at, so a view past its frame is caught by ASan.
uint8_t touch(const uint8_t* p, uint32_t n) {
  uint8_t x = 0;
  for (uint32_t i = 0; i < n; ++i) x ^= p[i];
  return x;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  Decoder decoder({.timeout_us = 30'000'000, .max_bytes = 64 << 10, .max_trains = 16, .max_fragments_per_train = 32});
  fuzz::FuzzInput in(data, size);
  fuzz::FuzzRecord r;
  TimeUs now = 1'700'000'000'000'000;
  volatile uint8_t sink = 0;
  while (in.next(r)) {
    now += TimeUs{r.tag >> 3} * 1'000'000;
    // A frame of its own, exactly its size, so reading past it is an overflow.
    auto frame = std::make_unique<uint8_t[]>(r.len ? r.len : 1);
    if (r.len) std::memcpy(frame.get(), r.data, r.len);
    RawPacket raw{frame.get(), static_cast<uint32_t>(r.len), static_cast<uint32_t>(r.len), now, fuzz::kLinkTypes[r.tag & 7]};
    DecodedPacket out;
    if (decoder.decode(raw, out).status == DecodeStatus::Ok) {
      if (out.l3) sink = sink ^ touch(out.l3, out.l3_len);
      if (out.payload) sink = sink ^ touch(out.payload, out.payload_len);
    }
    decoder.expireFragments(now);
  }
  return 0;
}
