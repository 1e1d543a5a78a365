#pragma once
// AppIdentifier: names each flow's application protocol with nDPI 4.2. A FlowObserver:
// it feeds nDPI every packet of a flow, both directions, in capture order (the IP
// header on), the way ndpiReader does, until nDPI has identified it and has nothing more
// to dissect, or gives up after ndpiReader's packet budget (80 TCP, 24 UDP packets), when
// nDPI's guess (by port, by address) is taken. A flow that ends undecided gets the guess
// too. The result names the flow on its record (app_proto, nDPI's protocol, category,
// confidence, risks) and is what app-layer rules and parsers key on.
//
// Memory: nDPI's per-flow state (ndpi_flow_struct and what nDPI allocates beside it) lives
// only while the flow is being identified and is given back at the verdict; every byte of
// it is charged to the worker's AppMemory (NdpiAllocator). A flow that arrives when the
// budget is spent first makes the flows that have been identifying longest give up (a
// flood of flows that stall mid-handshake would otherwise hold the budget until they time
// out, and no flow after them would be identified); without room still, it is not
// identified. A flow being identified when the budget is spent takes nDPI's verdict so far. What stays per flow is a small record
// in a pool that grows with the number of flows, never per packet.
#include <cstdint>
#include <string>
#include <vector>

#include "applayer/app_memory.h"
#include "applayer/ndpi_module.h"
#include "capture/flow_observer.h"
#include "capture/observer_records.h"
#include "capture/published.h"

struct ndpi_flow_struct;

namespace mamori {

// Application protocol ids are nDPI's; 0 is unknown.
using AppProtoId = uint16_t;

// Flows counted when they end, by their app_proto (what nDPI saw in the traffic).
struct AppIdentifierCounters {
  uint64_t flows_unknown = 0;
  uint64_t flows_guessed = 0;      // of the unknown: nDPI only guessed (by port or address)
  uint64_t flows_in_progress = 0;  // holding nDPI state now
  uint64_t flows_cut = 0;          // identification given up early to make room in the budget
  std::vector<uint64_t> flows_by_proto;  // indexed by AppProtoId
};

class AppIdentifier final : public FlowObserver {
 public:
  struct Config {
    NdpiFiles files;
    uint32_t tcp_packets = 80, udp_packets = 24;  // ndpiReader's budgets
  };
  // `memory`: the worker's app-layer budget; null for none.
  explicit AppIdentifier(const Config& config, AppMemory* memory = nullptr);
  ~AppIdentifier() override;

  void onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) override;
  void describe(const Flow& flow, FlowRecord& record) override;
  void onFlowEnd(Flow& flow) override;
  void publish() override;

  // The flow's application protocol as EVE's app_proto names it: only what nDPI saw in
  // the traffic, as Suricata's app_proto is (a guess by port stays in the record's
  // nDPI fields); "" while unknown.
  const char* appProtoOf(const Flow& flow) const;
  AppProtoId appProtoIdOf(const Flow& flow) const;
  // A parser found the flow speaking `name` (a string that outlives the flow), which nDPI
  // does not name: app_proto is `name` from now on. `changed`: the flow changed protocol
  // (an HTTP/1 connection upgraded to h2c), and what it was named before is its original
  // protocol (app-layer-protocol's `original` mode); else the flow spoke `name` from the
  // start (HTTP/2 with prior knowledge).
  void nameAppProto(const Flow& flow, const char* name, bool changed);
  // appProtoOf, and in `original` the protocol the flow had before it changed ("" when it
  // never did), with one look-up: detection asks for both on every packet.
  const char* appProtoOf(const Flow& flow, const char*& original) const;
  // The EVE name of an id; "" for 0.
  const std::string& appProtoName(AppProtoId id) const;

  AppIdentifierCounters published() const { return published_.get(); }
  // What this keeps for every flow, for the flow memcap (nDPI's state while identifying is
  // the AppMemory's).
  static size_t bytesPerFlow();

 private:
  struct State {
    uint64_t flow_id = 0;
    ndpi_flow_struct* ndpi = nullptr;  // while identifying
    size_t ndpi_bytes = 0;             // charged for it (NdpiAllocator)
    State *older = nullptr, *newer = nullptr;  // among the flows being identified, by start
    uint16_t master = 0, app = 0;      // nDPI's verdict so far
    uint16_t category = 0;
    uint8_t confidence = 0;
    bool decided = false;
    bool tcp = false;
    uint64_t risks = 0;
    const char* named = nullptr;    // nameAppProto's, over nDPI's verdict
    const char* original = "";
  };
  State* stateFor(const Flow& flow) const;
  void decide(State& s, bool give_up);
  void freeNdpi(State& s);
  void makeRoom();
  static AppProtoId idOf(const State& s);
  static AppProtoId confidentIdOf(const State& s);

  const Config config_;
  AppMemory* memory_;
  NdpiModule module_;
  std::vector<std::string> names_;  // EVE app_proto per nDPI id
  ObserverRecords<State> states_;
  State *oldest_ = nullptr, *newest_ = nullptr;  // the flows being identified
  AppIdentifierCounters live_;
  Published<AppIdentifierCounters> published_;
};

}  // namespace mamori
