// The protocol plug-in seam of AppParsers (applayer/app_protocol.h), on a real capture (the
// SIP one of suricata-verify: SIP on 5060, NetBIOS name queries on 137, DNS): which flows a
// plug-in gets by its probe, by its port only when its probe is unsure, none when it says no;
// its parser charged to the AppMemory, refused without room, given back when flows end;
// what it emits and refuses counted under its name.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "applayer/app_parsers.h"
#include "applayer/app_protocols.h"
#include "tests/applayer/capture_run.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

std::string capture() { return test::sharedDir() + "/corpus/suricata-verify/sip-from/input.pcap"; }

// A protocol whose probe always answers `answer`, on UDP port 137 (tried there only when
// `port_bound`); its parser emits one record per datagram, a malformed one per empty datagram.
class FakeProtocol final : public AppProtocol {
 public:
  explicit FakeProtocol(ProbeResult answer, bool port_bound = false) : answer_(answer), port_bound_(port_bound) {}
  std::string_view name() const override { return "fake"; }
  uint8_t transports() const override { return kUdp; }
  ProbeResult probe(uint8_t, Direction, const uint8_t*, size_t) const override { return answer_; }
  bool usualPort(uint16_t port) const override { return port == 137; }
  bool probesUsualPortsOnly() const override { return port_bound_; }
  size_t parserBytes() const override { return 64; }
  std::unique_ptr<AppProtocolParser> newParser(uint8_t, AppMemory*) const override {
    struct Parser final : AppProtocolParser {
      void onData(Direction dir, const uint8_t*, size_t len, ProtocolSink& sink) override {
        tx.protocol = "fake";
        tx.clear();
        tx.add("fake.size", std::to_string(len));
        sink.emit(dir, tx);
      }
      void onGap(Direction) override {}
      void onEnd(ProtocolSink&) override {}
      ProtocolTransaction tx;
    };
    return std::make_unique<Parser>();
  }

 private:
  ProbeResult answer_;
  bool port_bound_;
};

// Records by protocol, and ended flows by app_proto.
struct ByProtocol final : AppEventListener, FlowRecordSink {
  void onAppEvent(Flow&, const AppRecord& r) override {
    if (const auto* tx = std::get_if<ProtocolTransaction>(&r.body)) ++records[tx->protocol];
  }
  void onFlowRecord(const FlowRecord& r) override { ++flows[r.app.proto]; }
  std::map<std::string, int> records, flows;
};

AppParserCounters run(AppParsers& parsers, ByProtocol& seen) {
  parsers.addListener(&seen);
  test::runCapture(capture(), parsers, seen);
  parsers.publish();
  return parsers.published();
}

TEST(AppProtocolSeam, PortsDecideOnlyWhenTheProbeIsUnsure) {
  MAMORI_REQUIRE_SHARED();
  for (const ProbeResult answer : {ProbeResult::Unsure, ProbeResult::NoMatch}) {
    AppParsers parsers(AppParsers::Config{}, nullptr);
    parsers.addProtocol(std::make_unique<FakeProtocol>(answer));
    ByProtocol seen;
    const AppParserCounters c = run(parsers, seen);
    ASSERT_EQ(c.protocols.size(), makeAppProtocols().size() + 1) << "the built-in plug-ins, then the added one";
    EXPECT_EQ(c.protocols[0].name, "sip");
    EXPECT_EQ(c.protocols.back().name, "fake");
    EXPECT_EQ(seen.records["sip"], 81) << "SIP keeps its flows: its probe matches first";
    EXPECT_EQ(c.protocols[0].transactions, 81u);
    EXPECT_EQ(seen.flows["sip"], 2) << "without nDPI, the flows SIP's probe took are sip in their records";
    // 111 NetBIOS name queries on port 137 (tshark -Y nbns).
    EXPECT_EQ(seen.records["fake"], answer == ProbeResult::Unsure ? 111 : 0);
    EXPECT_EQ(c.protocols.back().transactions, answer == ProbeResult::Unsure ? 111u : 0u);
  }
}

TEST(AppProtocolSeam, AProbeBoundToItsPortsClaimsNoOtherFlow) {
  MAMORI_REQUIRE_SHARED();
  for (const bool port_bound : {true, false}) {
    AppParsers parsers(AppParsers::Config{}, nullptr);
    parsers.addProtocol(std::make_unique<FakeProtocol>(ProbeResult::Match, port_bound));
    ByProtocol seen;
    run(parsers, seen);
    EXPECT_EQ(seen.records["sip"], 81) << "SIP's probe is tried first";
    if (port_bound) {
      EXPECT_EQ(seen.records["fake"], 111) << "the NetBIOS queries on port 137 only";
    } else {
      EXPECT_GT(seen.records["fake"], 111) << "a probe that always matches takes the DNS flows too";
    }
  }
}

// The probes of the protocols registered on a flow's port go first, as Suricata's probing
// parsers on that port do: an SMTP server on port 25 greeting "220 f" (as an FTP server
// might) is SMTP once its client says EHLO, not FTP, whose probe takes such a greeting.
TEST(AppProtocolSeam, ProbesOfTheFlowsPortGoFirst) {
  MAMORI_REQUIRE_SHARED();
  AppParsers parsers(AppParsers::Config{}, nullptr);
  ByProtocol seen;
  parsers.addListener(&seen);
  test::runCapture(test::sharedDir() + "/corpus/suricata-verify/protocol-change-failed-event/input.pcap", parsers, seen);
  EXPECT_GT(seen.records["smtp"], 0);
  EXPECT_EQ(seen.records["ftp"], 0);
}

TEST(AppProtocolSeam, ParsersAreChargedRefusedWithoutRoomAndGivenBack) {
  MAMORI_REQUIRE_SHARED();
  {
    AppMemory memory(1 << 20);
    AppParsers parsers(AppParsers::Config{}, nullptr, &memory);
    ByProtocol seen;
    run(parsers, seen);
    EXPECT_EQ(seen.records["sip"], 81);
    EXPECT_GT(memory.peak(), 0u);
    EXPECT_EQ(memory.used(), 0u) << "every flow ended: its parser was given back";
  }
  AppMemory tiny(16);
  AppParsers parsers(AppParsers::Config{}, nullptr, &tiny);
  ByProtocol seen;
  run(parsers, seen);
  EXPECT_EQ(seen.records["sip"], 0);
  EXPECT_GE(tiny.refused(), 2u) << "both SIP flows refused, and counted";
}

}  // namespace
}  // namespace mamori
