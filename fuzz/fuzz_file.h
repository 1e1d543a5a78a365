#pragma once
// For fuzz targets whose code under test reads a file by path (the sensor's and the
// central's configuration): writes the input to one file of this process's own, in a folder
// of its own under the temporary directory, and gives its path. Single-threaded.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace mamori::fuzz {

inline std::string writeFuzzFile(const std::string& name, const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("mamori-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), size);
  return path;
}

}  // namespace mamori::fuzz
