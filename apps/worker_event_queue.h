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
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <variant>

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

  TimeUs key = 0;
  // App records are large (an HTTP transaction's fields): held apart, so the queue's
  // elements stay the size of a flow record.
  std::variant<Alert, FlowRecord, std::unique_ptr<AppRecord>> body;
};

class WorkerEventQueue final : public AlertSink, public FlowRecordSink, public AppEventListener {
 public:
  enum class WhenFull : uint8_t { Wait, Drop };

  WorkerEventQueue(size_t capacity, WhenFull when_full) : capacity_(capacity), when_full_(when_full) {}

  void attach(const Worker& worker) { worker_ = &worker; }
  void onAlert(const Alert& alert) override { push(alert); }
  void onFlowRecord(const FlowRecord& record) override { push(record); }
  void onAppEvent(Flow&, const AppRecord& record) override {
    // Detection sees every step; the log gets each transaction, message and handshake once.
    if (record.event == AppEvent::HttpResponse || record.event == AppEvent::DnsMessage ||
        record.event == AppEvent::TlsDone || record.event == AppEvent::SshDone ||
        (record.event == AppEvent::Protocol && std::get<ProtocolTransaction>(record.body).logged) ||
        record.event == AppEvent::FileLogged) {
      push(std::make_unique<AppRecord>(record));
    }
  }
  bool full(TimeUs now) const override {
    return when_full_ == WhenFull::Wait && in_flight_.load(std::memory_order_acquire) >= capacity_ &&
           oldest_.load(std::memory_order_acquire) < now;
  }

  // Output thread: moves everything queued so far to the back of `into`.
  void drain(std::deque<PipelineEvent>& into) {
    std::lock_guard lock(mutex_);
    for (auto& e : events_) into.push_back(std::move(e));
    events_.clear();
  }
  // Output thread: `handled` more events are out; `oldest` is the key of the oldest one
  // it still holds (0 when it holds none: what is queued here is drained next pass).
  void taken(size_t handled, TimeUs oldest) {
    if (handled) in_flight_.fetch_sub(handled, std::memory_order_acq_rel);
    oldest_.store(oldest, std::memory_order_release);
  }

  size_t capacity() const { return capacity_; }
  // Any thread.
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  size_t inFlight() const { return in_flight_.load(std::memory_order_relaxed); }
  size_t peak() const { return peak_.load(std::memory_order_relaxed); }

 private:
  template <typename T>
  void push(T body) {
    const size_t n = in_flight_.load(std::memory_order_relaxed);
    if (when_full_ == WhenFull::Drop && n >= capacity_ && !worker_->inputEnded()) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    // Counted before it is queued: the output thread can only take back what was counted.
    const size_t now = in_flight_.fetch_add(1, std::memory_order_acq_rel) + 1;
    if (now > peak_.load(std::memory_order_relaxed)) peak_.store(now, std::memory_order_relaxed);
    const TimeUs key = worker_->inputEnded() ? PipelineEvent::kEndOfInput : worker_->snapshotTime();
    std::lock_guard lock(mutex_);
    events_.push_back(PipelineEvent{key, std::move(body)});
  }

  const size_t capacity_;
  const WhenFull when_full_;
  const Worker* worker_ = nullptr;
  std::mutex mutex_;
  std::deque<PipelineEvent> events_;
  std::atomic<size_t> in_flight_{0};
  std::atomic<TimeUs> oldest_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<size_t> peak_{0};  // written by the worker only
};

}  // namespace mamori
