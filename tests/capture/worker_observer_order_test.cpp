// The order a worker tells its observers about a flow: an observer added later builds on
// the earlier ones (the app parsers on identification and detection), so it hears of
// packets after them and of the flow's end before them, while their state still exists.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capture/worker.h"
#include "tests/capture/packet_builder.h"

namespace mamori {
namespace {

struct NoRecords : FlowRecordSink {
  void onFlowRecord(const FlowRecord&) override {}
};

struct Recorder : FlowObserver {
  Recorder(std::string name, std::vector<std::string>& log) : name(std::move(name)), log(log) {}
  void onPacket(const DecodedPacket&, Flow&, Direction) override { log.push_back(name + " packet"); }
  void describe(const Flow&, FlowRecord&) override { log.push_back(name + " describe"); }
  void onFlowEnd(Flow&) override { log.push_back(name + " end"); }
  std::string name;
  std::vector<std::string>& log;
};

TEST(WorkerObserverOrder, PacketsInOrderAddedFlowEndInReverse) {
  std::vector<std::string> log;
  Recorder first("first", log), second("second", log);
  NoRecords records;
  Worker worker(0, Worker::Config{}, records);
  worker.addObserver(&first);
  worker.addObserver(&second);
  const test::Bytes frame =
      test::ethernet(0x0800, test::ipv4("10.0.0.1", "10.0.0.2", 17, test::udp(5000, 53, test::text("q"))));
  RawPacket raw{frame.data(), static_cast<uint32_t>(frame.size()), static_cast<uint32_t>(frame.size()), 1, 1};
  worker.process(raw);
  worker.finish();
  EXPECT_EQ(log, (std::vector<std::string>{"first packet", "second packet", "first describe", "second describe",
                                           "second end", "first end"}));
}

}  // namespace
}  // namespace mamori
