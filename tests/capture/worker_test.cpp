// Worker: the order in which its flow observers hear of a flow's end.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <string>
#include <vector>

#include "capture/worker.h"
#include "tests/capture/packet_builder.h"

namespace mamori {
namespace {

struct DroppingRecords : FlowRecordSink {
  void onFlowRecord(const FlowRecord&) override {}
};

struct RecordingObserver : FlowObserver {
  RecordingObserver(std::string name, std::vector<std::string>& log) : name(std::move(name)), log(log) {}
  void onPacket(const DecodedPacket&, Flow&, Direction) override { log.push_back(name + " packet"); }
  void onFlowEnd(Flow&) override { log.push_back(name + " end"); }
  std::string name;
  std::vector<std::string>& log;
};

// The app parsers, added last, report the transactions a flow's end completes from their
// onFlowEnd; identification and detection, added before them, must still hold the flow.
TEST(WorkerTest, FlowEndReachesObserversInReverseOrder) {
  DroppingRecords records;
  Worker worker(0, Worker::Config{}, records);
  std::vector<std::string> log;
  RecordingObserver first("first", log), second("second", log), third("third", log);
  worker.addObserver(&first);
  worker.addObserver(&second);
  worker.addObserver(&third);

  const test::Bytes frame =
      test::ethernet(0x0800, test::ipv4("10.0.0.1", "10.0.0.2", 17, test::udp(1234, 53, test::text("x"))));
  RawPacket raw;
  raw.data = frame.data();
  raw.caplen = raw.wirelen = static_cast<uint32_t>(frame.size());
  raw.ts = 1'000'000;
  raw.linktype = DLT_EN10MB;
  worker.process(raw);
  worker.finish();
  EXPECT_EQ(log, (std::vector<std::string>{"first packet", "second packet", "third packet", "third end",
                                           "second end", "first end"}));
}

}  // namespace
}  // namespace mamori
