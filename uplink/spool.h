#pragma once
// Spool: the sensor's on-disk queue of records bound for the central. Every record the
// sensor sends goes through it, so nothing is lost while the central is away or slow, nor
// when the sensor itself restarts: the sender reads the spool in order, and the central's
// acknowledgements delete what it holds.
//
// Each record gets the next number of the spool's sequence (starting at 1, never reused:
// the central drops what it already has after a resend by (stream id, sequence)). The
// stream id is random, made once when the spool folder is first created, so a sensor
// whose spool was wiped starts a new stream instead of having its numbers taken for
// repeats. A folder whose segment files are all gone gets a new stream id for the same
// reason.
//
// Layout: DIR/stream (the stream id, 32 hex digits) and segment files
// DIR/<first sequence, 20 digits>.spool, each a run of records
//   u32 length of the JSON | u32 CRC-32 of (sequence, kind, JSON) | u64 sequence | u8 kind | JSON
// (little-endian). A record cut short by a crash (or failing its CRC) ends its segment:
// recovery truncates the newest segment there and counts it. Such a record in an older
// segment, or segments whose sequences do not follow on, are not a crash's doing: opening
// fails naming the file rather than skip records. Other files in DIR are left alone, and
// one process at a time holds the folder (flock).
//
// Durability: nothing is fsync'ed, neither segments nor the folder after creating or
// deleting one. The spool survives a crash of the process (the page cache holds what
// write(2) took); a power loss may lose the last records, bring back a deleted segment
// (resent, then dropped by the central as repeats) or lose a new one. Numbers lost that
// way are given out again, and if the central had them already it takes the new records
// for repeats.
//
// Bounded: the segment files together never exceed `max_bytes`; a record that would pass
// it, or whose JSON is over kMaxJsonBytes, is refused and counted (dropped), never blocks.
// Acknowledged segments are deleted. Segments are at most a quarter of `max_bytes`, so
// that acknowledging everything always frees room even though the newest segment stays.
//
// Threads: one producer (append, flush: the pipeline's output thread) and one consumer
// (read, acknowledge: the uplink's sender thread) may run concurrently; everything else
// is thread-safe too. The producer buffers in memory and writes on flush() (or when its
// buffer fills); the consumer sees records once written. The two share a mutex only when
// the producer starts a segment and the consumer looks one up or deletes one.
#include <atomic>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/event_output.h"
#include "uplink/spool_segment.h"

namespace mamori {

class SpoolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SpoolOptions {
  std::string dir;                       // created (mode 0700) when missing
  uint64_t max_bytes = uint64_t{512} << 20;
  uint64_t segment_bytes = uint64_t{8} << 20;  // a segment is closed once it reaches this
};

struct SpoolRecord {
  uint64_t seq = 0;
  EventKind kind = EventKind::Alert;
  std::string json;
};

struct SpoolCounters {
  uint64_t appended = 0;   // records accepted (less those a failed write lost)
  uint64_t dropped = 0;    // refused (the spool was full, the record too large) or lost
                           // to a failed write
  uint64_t recovered_torn = 0;  // torn records cut off at start-up (a crash mid-write);
                                // one for each cut, whatever followed the torn record
  uint64_t bytes = 0;      // size of the segment files now, with what is still buffered
  uint64_t segments = 0;   // segment files now
};

class Spool {
 public:
  static constexpr size_t kMaxJsonBytes = kSpoolMaxJsonBytes;

  // Opens DIR, creating it, recovering its segments, or making a new stream. Throws
  // SpoolError naming the folder when it cannot be created, read or written, is held by
  // another Spool, or naming the segment or stream file that is damaged.
  explicit Spool(SpoolOptions options);
  ~Spool();  // flushes
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  const std::string& streamId() const { return stream_id_; }

  // Producer. Appends a record under the next sequence number; false (counted as dropped,
  // no number used) when it would take the spool past max_bytes or its JSON is over
  // kMaxJsonBytes. A write error is a SpoolError: the records still buffered are lost
  // (counted as dropped) and their numbers given out again, so the sequence has no hole.
  bool append(EventKind kind, std::string_view json);
  // Producer. Writes buffered records so the consumer can read them. Throws SpoolError as
  // append() does.
  void flush();

  // Consumer. Appends to `out` the written records numbered above `after`, in order, at
  // most `max_records` and about `max_bytes` of JSON (at least one record when any is
  // there); returns how many.
  size_t read(uint64_t after, size_t max_records, size_t max_bytes, std::vector<SpoolRecord>& out);
  // Consumer. The central holds every record up to `seq`: segments whose records all lie at
  // or below it are deleted (never the newest). A `seq` past writtenSeq() (a confused
  // peer) counts as writtenSeq(). Throws SpoolError naming a segment it cannot delete.
  void acknowledge(uint64_t seq);

  uint64_t lastSeq() const;      // the last number given out (0: none yet)
  uint64_t writtenSeq() const;   // the last record the consumer can read
  // The highest acknowledge() since opening; at opening, the number before the oldest
  // segment's first (what earlier runs had acknowledged and deleted).
  uint64_t acknowledgedSeq() const;
  SpoolCounters counters() const;

 private:
  struct Segment;
  // Records gather here; one write(2) per this many bytes (or per flush()).
  static constexpr size_t kBufferBytes = size_t{256} << 10;

  void openFolder();
  void recoverSegments();
  void loadStreamId(bool make_new);
  void rotate();
  // Writes `pieces` (the buffer, or a large record's header and JSON) at the end of the
  // newest segment and publishes them to the consumer; `records` of them.
  void writeOut(std::initializer_list<std::string_view> pieces, uint64_t records);
  void positionCursor(uint64_t after);
  void openCursor(Segment* segment);
  Segment* segmentAfter(const Segment* segment) const;
  std::string pathOf(const std::string& name) const;

  SpoolOptions options_;
  uint64_t segment_bytes_ = 0;  // options_.segment_bytes, at most a quarter of max_bytes
  std::string stream_id_;
  int dir_fd_ = -1;  // holds the folder's flock

  // Guards segments_ (oldest first). The newest is the producer's and is never deleted;
  // only acknowledge() deletes, so the consumer's cursor stays valid between its calls.
  mutable std::mutex mutex_;
  std::deque<std::unique_ptr<Segment>> segments_;

  // The producer's own.
  Segment* current_ = nullptr;  // the newest segment
  int write_fd_ = -1;
  std::string buffer_;
  uint64_t buffered_records_ = 0;
  uint64_t next_seq_ = 1;

  // The consumer's own; consumer_mutex_ keeps a second consumer off them.
  std::mutex consumer_mutex_;
  Segment* cursor_ = nullptr;
  SpoolSegmentReader reader_;

  std::atomic<uint64_t> last_seq_{0};
  std::atomic<uint64_t> written_seq_{0};
  std::atomic<uint64_t> acknowledged_seq_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> segment_count_{0};
  std::atomic<uint64_t> appended_{0};
  std::atomic<uint64_t> dropped_{0};
  uint64_t recovered_torn_ = 0;
};

}  // namespace mamori
