#pragma once
// Runs a capture file through the project's own capture stage (one worker: decoder, flow
// table, TCP reassembly) with a test's FlowObserver, as the pipeline feeds the app layer.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "capture/capture_engine.h"
#include "capture/flow_observer.h"
#include "capture/pcap_source.h"
#include "capture/worker.h"

namespace mamori::test {

// `records` gets each flow's record as it ends; `observers` in the order the worker runs them (an AppIdentifier before the AppParsers it
// names flows for).
inline void runCapture(const std::string& path, std::initializer_list<FlowObserver*> observers,
                       FlowRecordSink& records) {
  auto source = PcapSource::openFile(path);
  ASSERT_TRUE(source) << path;
  Worker worker(0, Worker::Config{}, records);
  for (FlowObserver* observer : observers) worker.addObserver(observer);
  CaptureEngine engine(*source, {&worker});
  engine.run();
}

inline void runCapture(const std::string& path, FlowObserver& observer, FlowRecordSink& records) {
  runCapture(path, {&observer}, records);
}

inline void runCapture(const std::string& path, std::initializer_list<FlowObserver*> observers) {
  struct NoRecords : FlowRecordSink {
    void onFlowRecord(const FlowRecord&) override {}
  } records;
  runCapture(path, observers, records);
}

inline void runCapture(const std::string& path, FlowObserver& observer) { runCapture(path, {&observer}); }

}  // namespace mamori::test
