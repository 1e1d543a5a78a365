#pragma once
// FileMagic: libmagic's description of a file's first bytes ("PDF document, version
// 1.4"), what Suricata's filemagic / file.magic match. One per worker: libmagic's
// database is loaded once (megabytes, tens of milliseconds) and a cookie is not
// thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>

struct magic_set;

namespace mamori {

class FileMagic {
 public:
  FileMagic();  // loads the system's compiled database; ok() says whether it could
  ~FileMagic();
  FileMagic(const FileMagic&) = delete;
  FileMagic& operator=(const FileMagic&) = delete;

  bool ok() const { return cookie_ != nullptr; }
  // Empty when libmagic is unavailable or has nothing to say.
  std::string describe(const uint8_t* data, size_t len);

 private:
  magic_set* cookie_ = nullptr;
};

}  // namespace mamori
