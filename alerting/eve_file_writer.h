#pragma once
// Writes EVE records to a file (or stdout for "-"), one line each, through a large
// buffer so that a busy sensor makes one write(2) per megabyte rather than per record.
// Like Suricata's eve.json, an existing file is appended to unless asked otherwise, so a
// restarted sensor never wipes what a log shipper has not read yet.
//
// Single-threaded: owned and called by the pipeline's output thread.
#include <string>

#include "alerting/event_output.h"

namespace mamori {

class EveFileWriter : public EventOutput {
 public:
  enum class Mode { Append, Truncate };

  // Throws std::runtime_error naming `path` when it cannot be opened.
  explicit EveFileWriter(const std::string& path, Mode mode = Mode::Append);
  // Flushes; a write error at this point is reported on stderr, since it cannot throw.
  ~EveFileWriter() override;

  EveFileWriter(const EveFileWriter&) = delete;
  EveFileWriter& operator=(const EveFileWriter&) = delete;

  // Throws std::runtime_error naming the path when writing fails.
  void publish(EventKind kind, const std::string& json) override;
  void flush() override;
  // Drops what is buffered and not yet written (a batch the caller could not commit).
  void discard() { buffer_.clear(); }

  const std::string& path() const { return path_; }

 private:
  static constexpr size_t kBufferBytes = 1 << 20;

  void writeAll(const char* data, size_t size);

  std::string path_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::string buffer_;
};

}  // namespace mamori
