#pragma once
// Reads a whole file an operator or author hands mamori (rules, configuration, correlation
// rules) with a cap on its size. Only plain files are read, a chunk at a time up to one byte
// past the cap: a FIFO, /dev/zero or a huge file is refused instead of hanging start-up or
// taking memory.
#include <cstddef>
#include <string>

namespace mamori {

struct BoundedFile {
  std::string text;
  std::string error;  // empty when read whole: "cannot read file", "not a regular file",
                      // "larger than N MiB (not read)"
};

BoundedFile readBoundedFile(const std::string& path, size_t limit);

}  // namespace mamori
