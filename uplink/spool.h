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
// repeats.
//
// Layout: DIR/stream (the stream id, 32 hex digits) and segment files
// DIR/<first sequence, 20 digits>.spool, each a run of records
//   u32 length of the JSON | u32 CRC-32 of (sequence, kind, JSON) | u64 sequence | u8 kind | JSON
// (little-endian). A record cut short by a crash (or failing its CRC) ends its segment:
// recovery truncates it there and counts it. The newest segment is always kept, so the
// sequence carries on across restarts even when everything was acknowledged.
//
// Bounded: the segment files together never exceed `max_bytes`; a record that would pass
// it is refused and counted (dropped), never blocks. Acknowledged segments are deleted.
//
// Threads: one producer (append, flush: the pipeline's output thread) and one consumer
// (read, acknowledge: the uplink's sender thread) may run concurrently; everything else
// is thread-safe too. The producer buffers in memory and writes on flush() (or when its
// buffer fills); the consumer sees records once written.
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/event_output.h"

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
  uint64_t appended = 0;   // records accepted
  uint64_t dropped = 0;    // refused: the spool was full
  uint64_t recovered_torn = 0;  // records cut off at start-up (a crash mid-write)
  uint64_t bytes = 0;      // size of the segment files now
  uint64_t segments = 0;   // segment files now
};

class Spool {
 public:
  // Opens DIR, creating it, recovering its segments, or making a new stream. Throws
  // SpoolError naming the folder when it cannot be created, read or written.
  explicit Spool(SpoolOptions options);
  ~Spool();  // flushes
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  const std::string& streamId() const { return stream_id_; }

  // Producer. Appends a record under the next sequence number; false (counted as dropped,
  // no number used) when it would take the spool past max_bytes. A write error is a
  // SpoolError.
  bool append(EventKind kind, std::string_view json);
  // Producer. Writes buffered records so the consumer can read them.
  void flush();

  // Consumer. Appends to `out` the written records numbered above `after`, in order, at
  // most `max_records` and about `max_bytes` of JSON (at least one record when any is
  // there); returns how many.
  size_t read(uint64_t after, size_t max_records, size_t max_bytes, std::vector<SpoolRecord>& out);
  // Consumer. The central holds every record up to `seq`: segments whose records all lie at
  // or below it are deleted (never the newest).
  void acknowledge(uint64_t seq);

  uint64_t lastSeq() const;      // the last number given out (0: none yet)
  uint64_t writtenSeq() const;   // the last record the consumer can read
  uint64_t acknowledgedSeq() const;
  SpoolCounters counters() const;

 private:
  // Implementation's own; see spool.cpp.
  struct Segment;
  SpoolOptions options_;
  std::string stream_id_;
  mutable std::mutex mutex_;
  std::deque<Segment*> segments_;
};

}  // namespace mamori
