#pragma once
// How the bus and link fuzz targets read a ZeroMQ message: each FuzzInput record is one
// frame, in order (the tag is not used). Single-threaded.
#include "fuzz/fuzz_input.h"
#include "uplink/link_protocol.h"

namespace mamori::fuzz {

inline link::Frames linkFrames(const uint8_t* data, size_t size) {
  link::Frames frames;
  FuzzInput in(data, size);
  FuzzRecord r;
  while (in.next(r) && frames.size() < link::kMaxMessageFrames) frames.emplace_back(r.data, r.len);
  return frames;
}

}  // namespace mamori::fuzz
