#pragma once
// CaptureEngine: reads one PacketSource and spreads its packets over the workers.
// A symmetric hash of the IP address pair picks the worker (see shard_hash.h), so both
// directions of a flow, and all of its fragments, meet on the same worker. With one
// worker, packets are processed on the reading thread with no copy at all.
//
// Time: besides packets, every worker regularly receives a tick with the reader's
// packet time (wall time when a live source is idle), so an idle worker still expires
// its flows and its watermark moves on. watermark(w) is the packet time up to which
// worker w has handed every event it will ever produce to its sinks: an output stage
// can merge the workers' events in time order without waiting for the end.
//
// Backpressure: a worker whose record sink is full (FlowRecordSink::full, a capture
// file's bounded queue to the output thread) gets its next packet only when there is
// room, so a capture file loses nothing; its ring then fills and the reader waits. While
// the reader waits, every worker that has finished its packets gets its watermark raised
// to the packet time read so far, so that the output stage can take the full worker's
// records instead of waiting for a worker that will get no packet before it (see push).
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "capture/packet_ring.h"
#include "capture/packet_source.h"
#include "capture/worker.h"

namespace mamori {

class CaptureEngine {
 public:
  struct Options {
    size_t ring_bytes = 8u << 20;  // per worker
    TimeUs tick_us = 100000;
  };

  CaptureEngine(PacketSource& source, std::vector<Worker*> workers, const Options& options);
  CaptureEngine(PacketSource& source, std::vector<Worker*> workers)
      : CaptureEngine(source, std::move(workers), Options{}) {}
  ~CaptureEngine();

  // Reads until the source ends, fails or stop() is called; every worker has finished
  // (all flows flushed) when it returns. Returns End or Error (see the source's error()).
  ReadStatus run();
  // Safe from a signal handler.
  void stop() { source_.stop(); }

  size_t workers() const { return workers_.size(); }
  TimeUs watermark(size_t w) const { return slots_[w]->watermark.load(std::memory_order_acquire); }
  uint64_t packetsRead() const { return packets_read_.load(std::memory_order_relaxed); }
  uint64_t bytesRead() const { return bytes_read_.load(std::memory_order_relaxed); }

  static constexpr TimeUs kDone = INT64_MAX;

 private:
  struct alignas(64) Slot {
    explicit Slot(size_t ring_bytes) : ring(ring_bytes) {}
    PacketRing ring;
    std::atomic<TimeUs> watermark{0};
  };

  ReadStatus runInline();
  ReadStatus runThreaded();
  void workerLoop(size_t w);
  void push(size_t w, PacketRing::Kind kind, const RawPacket& pkt);
  static void waitForRoom(Worker& worker);
  void markDone(size_t w);

  PacketSource& source_;
  std::vector<Worker*> workers_;
  Options options_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::thread> threads_;
  TimeUs pushed_until_ = 0;  // the reader's: latest packet time handed to a worker
  std::atomic<uint64_t> packets_read_{0};
  std::atomic<uint64_t> bytes_read_{0};
};

}  // namespace mamori
