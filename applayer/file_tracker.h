#pragma once
// FileTracker: the files one worker's app-layer parsers are following, whatever the
// protocol. A parser opens a file when a transfer starts (an HTTP body, a MIME part, an
// FTP data channel, an SMB read), appends its bytes in order, notes gaps, and closes it;
// the tracker computes its size, its MD5 / SHA-1 / SHA-256 as the bytes stream and
// libmagic's description of its first bytes, and spools it for the FileStore when one is
// configured. The parser then reports the closed file (AppEvent::FileDone, FileLogged)
// and releases it, kept in the store or not.
//
// Bounded: at most max_open_files open at once per worker and max_files_per_flow over a
// flow's life (a parser passes its flow's count); a file refused is counted and not
// tracked. Hashing stops past max_hash_bytes of a file (counted; the file has no
// hashes), magic looks at the first magic_bytes only. No per-packet allocation: a file's
// state is made when it opens.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "applayer/file_hasher.h"
#include "applayer/file_magic.h"
#include "applayer/file_store.h"
#include "applayer/tracked_file.h"

namespace mamori {

struct FileTrackerCounters {
  uint64_t opened = 0, closed = 0, truncated = 0;
  uint64_t refused_flow_limit = 0;    // a flow passed max_files_per_flow
  uint64_t refused_worker_limit = 0;  // max_open_files were open
  uint64_t hash_limit = 0;            // files past max_hash_bytes: not hashed
  uint64_t stored = 0;                // kept in the FileStore by this worker
};

class FileTracker {
 public:
  struct Config {
    uint32_t max_open_files = 1024;
    uint32_t max_files_per_flow = 256;
    uint8_t hashes = 0;                        // file_hash bits
    uint64_t max_hash_bytes = uint64_t{1} << 30;
    size_t magic_bytes = 1024;                 // 0: no libmagic
    // A file opened with `keep_data` (a protocol whose transaction does not carry the
    // body, SMB) keeps this many first bytes in TrackedFile::data, for file_data.
    size_t inspect_bytes = 64 << 10;
  };
  using Handle = int32_t;
  static constexpr Handle kNone = -1;

  // `store`, shared by the workers, may be null; when enabled, every file is spooled to
  // it and SHA-256 is computed whatever `hashes` says (it names the stored file).
  explicit FileTracker(const Config& config, FileStore* store = nullptr);
  ~FileTracker();
  FileTracker(const FileTracker&) = delete;
  FileTracker& operator=(const FileTracker&) = delete;

  // kNone when a limit refuses it; `flow_files` is the flow's count of files, kept by
  // the parser, incremented here.
  Handle open(uint32_t& flow_files, uint64_t tx_id, Direction dir, std::string_view name, bool keep_data = false);
  // The open file, for what its protocol tells besides bytes (a Content-Range).
  TrackedFile& file(Handle h);
  void append(Handle h, const uint8_t* data, size_t len);
  // `len` bytes of it are missing (0: an unknown amount).
  void gap(Handle h, uint64_t len);
  // Ends the file: CLOSED when `complete` and nothing was missing, else TRUNCATED; hashes
  // and magic are final. The file stays until release().
  const TrackedFile& close(Handle h, bool complete);
  // Frees a closed file; with `keep`, first puts it in the store. True when stored.
  bool release(Handle h, bool keep);

  const FileTrackerCounters& counters() const { return counters_; }
  size_t openFiles() const { return open_; }

 private:
  struct Slot;
  Slot& slot(Handle h) { return *slots_[static_cast<size_t>(h)]; }

  Config config_;
  FileStore* store_;
  std::unique_ptr<FileMagic> magic_;  // made with the first file that needs it
  std::vector<std::unique_ptr<Slot>> slots_;  // grows to max_open_files, then reused
  std::vector<Handle> free_;
  size_t open_ = 0;
  uint32_t next_id_ = 1;
  FileTrackerCounters counters_;
};

}  // namespace mamori
