#pragma once
// FileStore: where `filestore` rules keep files, content-addressed as Suricata's file
// store v2 lays them out: DIR/<first two hex digits of the SHA-256>/<SHA-256>, so a file
// seen twice is kept once. A file's bytes are spooled to DIR/tmp while it streams (the
// rule that wants it is only decided once it ends); kept, the spool is renamed into
// place, else removed.
//
// Bounded: spooled and kept bytes together stay within max_bytes (for this run); a file
// that would pass it is not spooled further, not kept, and counted. Shared by the
// workers: its counters are atomics, its files each one worker's own.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace mamori {

struct FileStoreCounters {
  uint64_t stored = 0;         // files kept
  uint64_t stored_bytes = 0;
  uint64_t duplicates = 0;     // kept already (same SHA-256): not written again
  uint64_t over_limit = 0;     // files not kept: the store's size limit
  uint64_t errors = 0;         // the file system refused (open, write, rename)
};

class FileStore {
 public:
  struct Config {
    std::string dir;                       // empty: no store (filestore rules alert only)
    uint64_t max_bytes = uint64_t{1} << 30;
  };
  // Makes DIR and DIR/tmp; enabled() is false when it cannot.
  explicit FileStore(Config config);
  FileStore(const FileStore&) = delete;
  FileStore& operator=(const FileStore&) = delete;

  bool enabled() const { return enabled_; }
  const std::string& dir() const { return config_.dir; }

  // One file's spool, owned by the worker tracking it.
  struct Spool {
    int fd = -1;
    uint64_t bytes = 0;
    bool failed = false;  // over the limit or a write error: cannot be kept
    std::string path;
  };
  void begin(Spool& spool);
  void write(Spool& spool, const uint8_t* data, size_t len);
  // Keeps the spooled file under its SHA-256 (lower-case hex); false when it cannot.
  // The spool is closed either way.
  bool keep(Spool& spool, const std::string& sha256);
  void discard(Spool& spool);

  FileStoreCounters counters() const;

 private:
  Config config_;
  bool enabled_ = false;
  std::atomic<uint64_t> reserved_{0};  // bytes spooled or kept, against max_bytes
  std::atomic<uint64_t> next_spool_{0};
  std::atomic<uint64_t> stored_{0}, stored_bytes_{0}, duplicates_{0}, over_limit_{0}, errors_{0};
};

}  // namespace mamori
