#pragma once
// WorkerEventQueue: what one worker hands to the output thread (alerts, flow records,
// the app-layer records EVE logs: finished HTTP transactions, DNS messages, TLS handshakes).
// Each event carries the worker's packet time when it was made; together with the
// engine's per-worker watermark that lets the output thread merge all workers' events
// in time order. The mutex is shared by one worker and the output thread only, and is
// taken per event (per flow end or alert), never per packet.
//
// Bounded: at most `capacity` events are in flight, from the worker's push until the
// output thread has handled them (queued here or held by the output stage's merge). What
// happens at the bound depends on the input:
//  - a capture file (WhenFull::Wait) loses nothing: full() holds the worker's next packet
//    back (CaptureEngine) until the output thread has taken some. It says full only while
//    the oldest event in flight is older than the worker's packet time: events of the
//    packet time the worker is at can only be merged once it moves on, so a burst of them
//    (an expiry sweep) may pass the bound rather than wait for itself.
//  - a live interface (WhenFull::Drop) never waits for the output thread: an event over
//    the bound is dropped and counted.
// The worker's end-of-input flush (a capture's end, or SIGTERM) is keyed apart and merged
// only once every worker has finished, so it is neither held back nor dropped: it is
// bounded by the flow table.
//
// Little is allocated per event in steady state, which matters where nearly every packet
// ends a transaction (an FTP session's commands): the queue is a vector the output thread
// swaps for an empty one of the same capacity, and the output thread hands the plug-in
// records it has written back (a bounded number), which the worker then copies the next
// ones into, reusing their strings' storage. Otherwise each record is a few allocations on
// the worker freed on the output thread, and the two threads contend for malloc's arena.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <variant>
#include <vector>

#include "applayer/app_record.h"
#include "capture/capture_engine.h"
#include "capture/flow_observer.h"
#include "capture/worker.h"
#include "detect/alert.h"

namespace mamori {

struct PipelineEvent {
  // Flows still open when the input ends are ended by each worker in its own table's
  // order, all at once: what they report is keyed apart, after every packet's events,
  // and put in one order by the output stage once every worker has finished.
  static constexpr TimeUs kEndOfInput = CaptureEngine::kDone - 1;
  // App records are large (an HTTP transaction's fields): held apart, so the queue's
  // elements stay the size of a flow record.
  using Body = std::variant<Alert, FlowRecord, std::unique_ptr<AppRecord>>;

  PipelineEvent(TimeUs k, Body b) : key(k), body(std::move(b)) {}

  TimeUs key = 0;
  Body body;
};

class WorkerEventQueue final : public AlertSink, public FlowRecordSink, public AppEventListener {
 public:
  enum class WhenFull : uint8_t { Wait, Drop };

  WorkerEventQueue(size_t capacity, WhenFull when_full) : capacity_(capacity), when_full_(when_full) {
    returned_.reserve(kSpareRecords);
    spare_.reserve(kSpareRecords);
  }

  void attach(const Worker& worker) { worker_ = &worker; }
  void onAlert(const Alert& alert) override { push(alert); }
  void onFlowRecord(const FlowRecord& record) override { push(record); }
  void onAppEvent(Flow&, const AppRecord& record) override {
    // Detection sees every step; the log gets each transaction, message and handshake once.
    if (!(record.event == AppEvent::HttpResponse || record.event == AppEvent::DnsMessage ||
          record.event == AppEvent::TlsDone || record.event == AppEvent::SshDone ||
          (record.event == AppEvent::Protocol && std::get<ProtocolTransaction>(record.body).logged) ||
          record.event == AppEvent::FileLogged) ||
        !admit()) {
      return;
    }
    std::unique_ptr<AppRecord> copy;
    if (spare_.empty()) {
      copy = std::make_unique<AppRecord>(record);
    } else {
      copy = std::move(spare_.back());
      spare_.pop_back();
      *copy = record;
    }
    enqueue(std::move(copy));
  }
  bool full(TimeUs now) const override {
    return when_full_ == WhenFull::Wait && in_flight_.load(std::memory_order_acquire) >= capacity_ &&
           oldest_.load(std::memory_order_acquire) < now;
  }

  // Output thread: everything queued so far, in `into` (which must be empty; its storage
  // goes to the worker).
  void drain(std::vector<PipelineEvent>& into) {
    std::lock_guard lock(mutex_);
    into.swap(events_);
  }
  // Output thread: `handled` more events are out; `oldest` is the key of the oldest one
  // it still holds (0 when it holds none: what is queued here is drained next pass).
  // `written` are app records it is done with, for the worker to reuse; it is left empty.
  void taken(size_t handled, TimeUs oldest, std::vector<std::unique_ptr<AppRecord>>& written) {
    if (!written.empty()) {
      std::lock_guard lock(mutex_);
      for (auto& r : written) {
        if (returned_.size() == kSpareRecords) break;
        if (reusable(*r)) returned_.push_back(std::move(r));
      }
    }
    written.clear();
    if (handled) in_flight_.fetch_sub(handled, std::memory_order_acq_rel);
    oldest_.store(oldest, std::memory_order_release);
  }

  size_t capacity() const { return capacity_; }
  // Any thread.
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  size_t inFlight() const { return in_flight_.load(std::memory_order_relaxed); }
  size_t peak() const { return peak_.load(std::memory_order_relaxed); }

 private:
  // Bounds what app records kept for reuse hold: this many handed back, and as many again
  // on the worker, each at most kSpareBytes of strings.
  static constexpr size_t kSpareRecords = 256;
  static constexpr size_t kSpareBytes = 4096;

  // Only a plug-in's transaction is kept: those come at up to one per packet (FTP
  // commands, Modbus requests), and their storage is small; an HTTP transaction's bodies
  // are not worth holding on to.
  static bool reusable(const AppRecord& r) {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    return tx && tx->bytes.capacity() + tx->eve.capacity() + tx->also_eve.capacity() +
                         tx->fields.capacity() * sizeof(ProtocolField) <=
                     kSpareBytes;
  }

  template <typename T>
  void push(T body) {
    if (admit()) enqueue(std::move(body));
  }
  // False when a live input's bound drops the event (counted).
  bool admit() {
    if (when_full_ == WhenFull::Drop && in_flight_.load(std::memory_order_relaxed) >= capacity_ &&
        !worker_->inputEnded()) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  template <typename T>
  void enqueue(T body) {
    // Counted before it is queued: the output thread can only take back what was counted.
    const size_t now = in_flight_.fetch_add(1, std::memory_order_acq_rel) + 1;
    if (now > peak_.load(std::memory_order_relaxed)) peak_.store(now, std::memory_order_relaxed);
    const TimeUs key = worker_->inputEnded() ? PipelineEvent::kEndOfInput : worker_->snapshotTime();
    std::lock_guard lock(mutex_);
    events_.emplace_back(key, std::move(body));
    if (spare_.empty()) spare_.swap(returned_);
  }

  const size_t capacity_;
  const WhenFull when_full_;
  const Worker* worker_ = nullptr;
  std::mutex mutex_;
  std::vector<PipelineEvent> events_;
  std::vector<std::unique_ptr<AppRecord>> returned_;  // under mutex_: written, for reuse
  std::vector<std::unique_ptr<AppRecord>> spare_;     // the worker's: reused before allocating
  std::atomic<size_t> in_flight_{0};
  std::atomic<TimeUs> oldest_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<size_t> peak_{0};  // written by the worker only
};

}  // namespace mamori
