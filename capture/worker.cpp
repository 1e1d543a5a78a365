#include "capture/worker.h"

#include <algorithm>
#include <stdexcept>

namespace mamori {

namespace {
// Expiry walks only list heads, but once per packet would still be wasted work.
constexpr TimeUs kExpiryIntervalUs = 1000000;
}  // namespace

Worker::Worker(int id, const Config& config, FlowRecordSink& records)
    : id_(id), decoder_(config.frag), flows_(config.flows, *this), tcp_(config.tcp), records_(records) {}

void Worker::addObserver(FlowObserver* observer) {
  if (observers_.size() >= Flow::kObserverSlots) throw std::logic_error("too many flow observers for Flow::observer_state");
  observer->bindSlot(static_cast<int>(observers_.size()));
  observers_.push_back(observer);
}

void Worker::process(const RawPacket& raw) {
  ++live_.packets;
  live_.bytes += raw.wirelen;
  DecodedPacket pkt;
  DecodeResult r = decoder_.decode(raw, pkt);
  const bool malformed = r.status == DecodeStatus::Malformed;
  ++(malformed ? live_.malformed : live_.decoded);
  pkt.events.forEach([&](DecodeEvent e) { ++live_.decode_events[static_cast<size_t>(e)]; });
  if (raw.ts > live_.now) advanceTime(raw.ts);
  if (r.status == DecodeStatus::FragmentHeld) ++live_.fragments_held;
  if (r.status == DecodeStatus::Ok && pkt.ip_version == 0) ++live_.non_ip;
  if (r.status != DecodeStatus::Ok || pkt.ip_version == 0) {
    for (FlowObserver* o : observers_) o->onPacketWithoutFlow(pkt, malformed);
    return;
  }

  Direction dir;
  Flow& flow = flows_.track(pkt, dir);
  for (FlowObserver* o : observers_) o->onPacket(pkt, flow, dir);
  if (pkt.proto == static_cast<uint8_t>(IpProto::Tcp)) {
    current_ = &flow;
    tcp_.onSegment(flow.flow_id, dir, flow.stream[static_cast<int>(dir)], pkt, *this);
    if (pkt.tcp_flags & tcpflag::Ack) TcpReassembler::onAck(flow.stream[static_cast<int>(opposite(dir))], pkt.tcp_ack);
    current_ = nullptr;
  }
}

void Worker::advanceTime(TimeUs now) {
  live_.now = std::max(live_.now, now);
  if (live_.now - last_expiry_ < kExpiryIntervalUs) return;
  last_expiry_ = live_.now;
  flows_.expire(live_.now);
  decoder_.expireFragments(live_.now);
}

void Worker::finish() {
  input_ended_ = true;
  flows_.flushAll();
  publish();
}

bool Worker::recordsFull() {
  const bool full = records_.full(live_.now);
  if (full && !waiting_) ++live_.output_waits;
  waiting_ = full;
  return full;
}

void Worker::onFlowEnd(Flow& flow, FlowEndReason reason) {
  if (flow.key.proto == static_cast<uint8_t>(IpProto::Tcp)) {
    current_ = &flow;
    tcp_.flush(flow.flow_id, Direction::ToServer, flow.stream[0], *this);
    tcp_.flush(flow.flow_id, Direction::ToClient, flow.stream[1], *this);
    current_ = nullptr;
  }
  FlowRecord record = FlowTable::recordOf(flow, reason);
  for (FlowObserver* o : observers_) o->describe(flow, record);
  // In reverse order of addition: an observer added later may still report on the flow as
  // it ends (the app parsers complete its last transactions) and needs what the earlier
  // ones keep for it (its identified protocol, its detection state).
  for (auto o = observers_.rbegin(); o != observers_.rend(); ++o) (*o)->onFlowEnd(flow);
  records_.onFlowRecord(record);
}

void Worker::onStreamData(uint64_t, Direction dir, const uint8_t* data, size_t len, uint64_t offset) {
  for (FlowObserver* o : observers_) o->onStreamData(*current_, dir, data, len, offset);
}

void Worker::onStreamGap(uint64_t, Direction dir, uint64_t offset, uint64_t len) {
  ++current_->stream_gaps;
  for (FlowObserver* o : observers_) o->onStreamGap(*current_, dir, offset, len);
}

void Worker::publish() {
  for (FlowObserver* o : observers_) o->publish();
  live_.flows = flows_.stats();
  live_.tcp = tcp_.stats();
  live_.frag = decoder_.fragmentStats();
  published_.set(live_);
}

WorkerCounters Worker::snapshot() const { return published_.get(); }

}  // namespace mamori
