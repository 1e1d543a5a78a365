#include "rules/bounded_file.h"

#include <filesystem>
#include <fstream>

namespace mamori {

BoundedFile readBoundedFile(const std::string& path, size_t limit) {
  BoundedFile out;
  // Opening a FIFO would wait for a writer: only plain files are read.
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    out.error = "not a regular file";
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.error = "cannot read file";
    return out;
  }
  char chunk[1 << 16];
  while (out.text.size() <= limit && in.read(chunk, sizeof chunk).gcount() > 0) {
    out.text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (out.text.size() > limit) {
    out.text.clear();
    out.text.shrink_to_fit();
    out.error = "larger than " + std::to_string(limit >> 20) + " MiB (not read)";
  }
  return out;
}

}  // namespace mamori
