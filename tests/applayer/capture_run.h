#pragma once
// Runs a capture file through the project's own capture stage (one worker: decoder, flow
// table, TCP reassembly) with a test's FlowObserver, as the pipeline feeds the app layer.
#include <gtest/gtest.h>

#include <string>

#include "capture/capture_engine.h"
#include "capture/flow_observer.h"
#include "capture/pcap_source.h"
#include "capture/worker.h"

namespace mamori::test {

// `records` gets each flow's record as it ends.
inline void runCapture(const std::string& path, FlowObserver& observer, FlowRecordSink& records) {
  auto source = PcapSource::openFile(path);
  ASSERT_TRUE(source) << path;
  Worker worker(0, Worker::Config{}, records);
  worker.addObserver(&observer);
  CaptureEngine engine(*source, {&worker});
  engine.run();
}

inline void runCapture(const std::string& path, FlowObserver& observer) {
  struct NoRecords : FlowRecordSink {
    void onFlowRecord(const FlowRecord&) override {}
  } records;
  runCapture(path, observer, records);
}

}  // namespace mamori::test
