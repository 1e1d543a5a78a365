// Fuzz target: TCP stream reassembly. Each record is one segment: its tag is the TCP flags;
// its first byte says the direction (bit 0) and whether the flow ends after it (bit 1), the
// next four the sequence number, the rest the payload. The pool and the per-stream cap are
// small so that gaps forced by the caps are reached. The consumer checks the reassembler's
// promise: each direction's data and gaps arrive back to back, from offset 0, never twice.
#include <cstdlib>
#include <cstring>
#include <memory>

#include "capture/tcp_reassembler.h"
#include "fuzz/fuzz_input.h"

namespace {

using namespace mamori;

struct CheckingConsumer : StreamConsumer {
  uint64_t next[2] = {0, 0};
  void advance(Direction dir, uint64_t offset, uint64_t len) {
    uint64_t& n = next[static_cast<int>(dir)];
    if (offset != n || len == 0) abort();
    n = offset + len;
  }
  void onStreamData(uint64_t, Direction dir, const uint8_t* data, size_t len, uint64_t offset) override {
    volatile uint8_t x = 0;
    for (size_t i = 0; i < len; ++i) x = x ^ data[i];
    advance(dir, offset, len);
  }
  void onStreamGap(uint64_t, Direction dir, uint64_t offset, uint64_t len) override { advance(dir, offset, len); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static TcpReassembler reassembler({.pool_bytes = 64 << 10, .max_buffered_per_stream = 8 << 10, .depth = 0});
  TcpStream streams[2] = {};
  CheckingConsumer consumer;
  fuzz::FuzzInput in(data, size);
  fuzz::FuzzRecord r;
  bool open = true;
  while (open && in.next(r)) {
    if (r.len < 5) continue;
    const Direction dir = (r.data[0] & 1) ? Direction::ToClient : Direction::ToServer;
    DecodedPacket pkt;
    pkt.proto = static_cast<uint8_t>(IpProto::Tcp);
    pkt.tcp_flags = r.tag;
    pkt.tcp_seq = uint32_t{r.data[1]} << 24 | uint32_t{r.data[2]} << 16 | uint32_t{r.data[3]} << 8 | r.data[4];
    // The payload in a buffer of its own size, so a read past it is an overflow.
    const size_t len = r.len - 5;
    auto payload = std::make_unique<uint8_t[]>(len ? len : 1);
    if (len) std::memcpy(payload.get(), r.data + 5, len);
    pkt.payload = payload.get();
    pkt.payload_len = static_cast<uint32_t>(len);
    reassembler.onSegment(1, dir, streams[static_cast<int>(dir)], pkt, consumer);
    open = !(r.data[0] & 2);
  }
  reassembler.flush(1, Direction::ToServer, streams[0], consumer);
  reassembler.flush(1, Direction::ToClient, streams[1], consumer);
  // Every chunk went back to the pool: a leak would starve later flows.
  if (reassembler.freeChunks() != reassembler.poolChunks()) abort();
  return 0;
}
