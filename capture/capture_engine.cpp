#include "capture/capture_engine.h"

#include <algorithm>
#include <chrono>

#include "capture/shard_hash.h"

namespace mamori {

namespace {

TimeUs wallClockUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Workers wait for packets by spinning briefly, then sleeping: an idle sensor must not
// burn its cores, a busy one must not sleep between packets.
class Backoff {
 public:
  void pause() {
    if (++spins_ < 64) return;
    if (spins_ < 128) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  void reset() { spins_ = 0; }

 private:
  int spins_ = 0;
};

}  // namespace

CaptureEngine::CaptureEngine(PacketSource& source, std::vector<Worker*> workers, const Options& options)
    : source_(source), workers_(std::move(workers)), options_(options) {
  for (size_t i = 0; i < workers_.size(); ++i) slots_.push_back(std::make_unique<Slot>(options_.ring_bytes));
}

CaptureEngine::~CaptureEngine() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

ReadStatus CaptureEngine::run() { return workers_.size() == 1 ? runInline() : runThreaded(); }

void CaptureEngine::markDone(size_t w) {
  workers_[w]->finish();
  slots_[w]->watermark.store(kDone, std::memory_order_release);
}

ReadStatus CaptureEngine::runInline() {
  Worker& worker = *workers_[0];
  Slot& slot = *slots_[0];
  RawPacket pkt;
  TimeUs last_publish = 0;
  ReadStatus status;
  for (;;) {
    status = source_.next(pkt);
    if (status == ReadStatus::Packet) {
      packets_read_.store(packets_read_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      bytes_read_.store(bytes_read_.load(std::memory_order_relaxed) + pkt.wirelen, std::memory_order_relaxed);
      waitForRoom(worker);
      worker.process(pkt);
    } else if (status == ReadStatus::Idle) {
      worker.advanceTime(wallClockUs());
    } else {
      break;
    }
    TimeUs now = worker.snapshotTime();
    if (now - last_publish >= options_.tick_us) {
      worker.publish();
      last_publish = now;
    }
    slot.watermark.store(now, std::memory_order_release);
  }
  markDone(0);
  return status;
}

void CaptureEngine::waitForRoom(Worker& worker) {
  Backoff backoff;
  while (worker.recordsFull()) backoff.pause();
}

void CaptureEngine::push(size_t w, PacketRing::Kind kind, const RawPacket& pkt) {
  Backoff backoff;
  while (!slots_[w]->ring.tryPush(kind, pkt)) {
    // Worker w is behind, perhaps held back by a full record sink whose oldest records
    // wait on another worker's watermark. A worker that has finished everything it was
    // given can produce nothing older than what is still to come: in a capture in time
    // order, the packets not yet read. Saying so lets the output stage take w's records.
    if (pushed_until_ > 0) {
      for (auto& slot : slots_) {
        if (!slot->ring.drained()) continue;
        TimeUs mark = slot->watermark.load(std::memory_order_relaxed);
        while (mark < pushed_until_ - 1 &&
               !slot->watermark.compare_exchange_weak(mark, pushed_until_ - 1, std::memory_order_release)) {
        }
      }
    }
    backoff.pause();
  }
  if (kind == PacketRing::Kind::Packet) pushed_until_ = std::max(pushed_until_, pkt.ts);
}

ReadStatus CaptureEngine::runThreaded() {
  for (size_t w = 0; w < workers_.size(); ++w) threads_.emplace_back([this, w] { workerLoop(w); });
  const size_t n = workers_.size();
  RawPacket pkt;
  TimeUs last_tick = 0;
  ReadStatus status;
  for (;;) {
    status = source_.next(pkt);
    TimeUs now;
    if (status == ReadStatus::Packet) {
      packets_read_.store(packets_read_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      bytes_read_.store(bytes_read_.load(std::memory_order_relaxed) + pkt.wirelen, std::memory_order_relaxed);
      push(shardHash(pkt.data, pkt.caplen, pkt.linktype) % n, PacketRing::Kind::Packet, pkt);
      now = pkt.ts;
    } else if (status == ReadStatus::Idle) {
      now = wallClockUs();
    } else {
      break;
    }
    if (now - last_tick >= options_.tick_us) {
      RawPacket tick;
      tick.ts = now;
      for (size_t w = 0; w < n; ++w) push(w, PacketRing::Kind::Tick, tick);
      last_tick = now;
    }
  }
  RawPacket end;
  for (size_t w = 0; w < n; ++w) push(w, PacketRing::Kind::End, end);
  for (auto& t : threads_) t.join();
  threads_.clear();
  return status;
}

void CaptureEngine::workerLoop(size_t w) {
  Worker& worker = *workers_[w];
  Slot& slot = *slots_[w];
  Backoff backoff;
  PacketRing::Item item;
  for (;;) {
    if (!slot.ring.peek(item)) {
      backoff.pause();
      continue;
    }
    backoff.reset();
    if (item.kind == PacketRing::Kind::Packet || item.kind == PacketRing::Kind::Tick) waitForRoom(worker);
    switch (item.kind) {
      case PacketRing::Kind::Packet:
        worker.process(item.packet);
        break;
      case PacketRing::Kind::Tick:
        worker.advanceTime(item.packet.ts);
        worker.publish();
        break;
      case PacketRing::Kind::End:
        slot.ring.pop();
        markDone(w);
        return;
      case PacketRing::Kind::Wrap:
        break;
    }
    slot.ring.pop();
    slot.watermark.store(worker.snapshotTime(), std::memory_order_release);
  }
}

}  // namespace mamori
