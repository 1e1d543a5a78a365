#pragma once
// How the app-layer fuzz targets read a TCP flow: each FuzzInput record is in-order stream
// data of one direction (tag bit 0: 0 to the server, 1 to the client), or, with tag bit 1,
// a gap of that direction as long as the record. Each chunk is copied into a buffer of its
// own size first, so a parser reading past what it was given is caught by ASan.
// Single-threaded.
#include <cstring>
#include <memory>

#include "capture/direction.h"
#include "fuzz/fuzz_input.h"

namespace mamori::fuzz {

// Calls data(dir, bytes, len) or gap(dir, len) for each record of the input.
template <typename OnData, typename OnGap>
void forEachStreamRecord(const uint8_t* input, size_t size, OnData&& data, OnGap&& gap) {
  FuzzInput in(input, size);
  FuzzRecord r;
  while (in.next(r)) {
    const Direction dir = (r.tag & 1) ? Direction::ToClient : Direction::ToServer;
    if (r.tag & 2) {
      if (r.len) gap(dir, r.len);
      continue;
    }
    if (r.len == 0) continue;
    auto chunk = std::make_unique<uint8_t[]>(r.len);
    std::memcpy(chunk.get(), r.data, r.len);
    data(dir, static_cast<const uint8_t*>(chunk.get()), r.len);
  }
}

}  // namespace mamori::fuzz
