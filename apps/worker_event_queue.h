#pragma once
// WorkerEventQueue: what one worker hands to the output thread (alerts, flow records,
// the app-layer records EVE logs: finished HTTP transactions, DNS messages, TLS handshakes).
// Each event carries the worker's packet time when it was made; together with the
// engine's per-worker watermark that lets the output thread merge all workers' events
// in time order. The mutex is shared by one worker and the output thread only, and is
// taken per event (per flow end or alert), never per packet.
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
  void attach(const Worker& worker) { worker_ = &worker; }
  void onAlert(const Alert& alert) override { push(alert); }
  void onFlowRecord(const FlowRecord& record) override { push(record); }
  void onAppEvent(Flow&, const AppRecord& record) override {
    // Detection sees every step; the log gets each transaction, message and handshake once.
    if (record.event == AppEvent::HttpResponse || record.event == AppEvent::DnsMessage ||
        record.event == AppEvent::TlsDone || record.event == AppEvent::SshDone) {
      push(std::make_unique<AppRecord>(record));
    }
  }

  // Moves everything queued so far to the back of `into`.
  void drain(std::deque<PipelineEvent>& into) {
    std::lock_guard lock(mutex_);
    for (auto& e : events_) into.push_back(std::move(e));
    events_.clear();
  }

 private:
  template <typename T>
  void push(T body) {
    std::lock_guard lock(mutex_);
    const TimeUs key = worker_->inputEnded() ? PipelineEvent::kEndOfInput : worker_->snapshotTime();
    events_.push_back(PipelineEvent{key, std::move(body)});
  }

  const Worker* worker_ = nullptr;
  std::mutex mutex_;
  std::deque<PipelineEvent> events_;
};

}  // namespace mamori
