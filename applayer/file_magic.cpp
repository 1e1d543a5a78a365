#include "applayer/file_magic.h"

#include <magic.h>

namespace mamori {

FileMagic::FileMagic() {
  // No decompression and no reading of what a description refers to: the bytes are a
  // stranger's, and only their first few are at hand.
  cookie_ = magic_open(MAGIC_NONE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
  if (cookie_ && magic_load(cookie_, nullptr) != 0) {
    magic_close(cookie_);
    cookie_ = nullptr;
  }
}

FileMagic::~FileMagic() {
  if (cookie_) magic_close(cookie_);
}

std::string FileMagic::describe(const uint8_t* data, size_t len) {
  if (!cookie_ || len == 0) return {};
  const char* text = magic_buffer(cookie_, data, len);
  return text ? std::string(text) : std::string();
}

}  // namespace mamori
