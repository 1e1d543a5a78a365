#include "alerting/eve_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace mamori {

EveFileWriter::EveFileWriter(const std::string& path, Mode mode) : path_(path) {
  if (path == "-") {
    fd_ = STDOUT_FILENO;
  } else {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == Mode::Append ? O_APPEND : O_TRUNC);
    fd_ = ::open(path.c_str(), flags, 0644);
    if (fd_ < 0) {
      throw std::runtime_error("cannot open EVE output '" + path + "': " +
                               std::strerror(errno));
    }
    owns_fd_ = true;
  }
  buffer_.reserve(kBufferBytes);
}

EveFileWriter::~EveFileWriter() {
  try {
    flush();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mamori: %s\n", e.what());
  }
  if (owns_fd_) ::close(fd_);
}

void EveFileWriter::publish(EventKind, const std::string& json) {
  if (buffer_.size() + json.size() + 1 > kBufferBytes) flush();
  // A record larger than the buffer goes straight out rather than growing it.
  if (json.size() + 1 > kBufferBytes) {
    writeAll(json.data(), json.size());
    writeAll("\n", 1);
    return;
  }
  buffer_ += json;
  buffer_ += '\n';
}

void EveFileWriter::flush() {
  if (buffer_.empty()) return;
  // Cleared even when the write fails, so one bad write does not repeat forever.
  struct ClearOnExit {
    std::string& buffer;
    ~ClearOnExit() { buffer.clear(); }
  } clear{buffer_};
  writeAll(buffer_.data(), buffer_.size());
}

void EveFileWriter::writeAll(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write EVE output '" + path_ + "': " +
                               std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace mamori
