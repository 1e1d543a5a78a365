#pragma once
// The on-disk form of one spool segment (see spool.h for the layout): its file name, the
// encoding of a record's header, and a reader that walks a segment's records checking
// each one's length, CRC, sequence and kind. Start-up recovery and the consumer's reads
// share the reader, so both accept exactly the same records.
//
// A reader belongs to one thread. It reads with pread(2) through its own buffer, only up
// to the limit it is given, so it never looks at bytes a writer has not finished.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "alerting/event_output.h"

namespace mamori {

// u32 length | u32 CRC-32 | u64 sequence | u8 kind, little-endian.
constexpr size_t kSpoolHeaderBytes = 17;
// Bounds a record's JSON, so that one huge record cannot fill the spool or its reader's
// memory, and a torn header's garbage length is recognised as such.
constexpr size_t kSpoolMaxJsonBytes = size_t{16} << 20;

// "<first sequence, 20 digits>.spool".
std::string spoolSegmentFileName(uint64_t first_seq);
// The first sequence a segment file's name gives; nullopt for any other name.
std::optional<uint64_t> parseSpoolSegmentFileName(std::string_view name);

// Writes the header of the record (seq, kind, json) to `out`.
void encodeSpoolHeader(uint64_t seq, EventKind kind, std::string_view json,
                       char (&out)[kSpoolHeaderBytes]);

class SpoolSegmentReader {
 public:
  enum class Result {
    Record,   // `record` holds the next record
    End,      // the limit is reached, on a record boundary
    Torn,     // cut short, a length out of bounds, or a CRC mismatch: what a crash leaves
    Invalid,  // the CRC holds but the sequence or kind is wrong: not a crash's doing
    Error,    // pread failed, or the file is shorter than the limit
  };
  struct Record {
    uint64_t seq = 0;
    EventKind kind = EventKind::Alert;
    std::string_view json;  // valid until the next call
  };

  SpoolSegmentReader() = default;
  ~SpoolSegmentReader();
  SpoolSegmentReader(const SpoolSegmentReader&) = delete;
  SpoolSegmentReader& operator=(const SpoolSegmentReader&) = delete;

  // Opens the segment read-only, positioned at its first record, which must carry
  // `first_seq`. False with errno set when it cannot be opened.
  bool open(const std::string& path, uint64_t first_seq);
  void close();
  bool isOpen() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

  // The record at the current position, if it ends at or before `limit`; moves past it.
  // Any other result leaves the position on the bad record and says why in why().
  Result next(uint64_t limit, Record& record);
  // Goes back to a position next() returned from (offset, seq of the record there).
  void seek(uint64_t offset, uint64_t seq);

  uint64_t offset() const { return offset_; }
  uint64_t nextSeq() const { return next_seq_; }
  const std::string& why() const { return why_; }

 private:
  static constexpr size_t kReadBytes = size_t{1} << 20;

  // Makes [offset_, offset_ + size) available in buffer_; false when pread fails.
  bool fill(size_t size, uint64_t limit);

  int fd_ = -1;
  std::string path_;
  uint64_t offset_ = 0;
  uint64_t next_seq_ = 0;
  std::unique_ptr<char[]> buffer_;  // file bytes [buffer_offset_, + buffered_)
  size_t capacity_ = 0;
  size_t buffered_ = 0;
  uint64_t buffer_offset_ = 0;
  std::string why_;
};

}  // namespace mamori
