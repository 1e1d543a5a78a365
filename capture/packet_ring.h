#pragma once
// PacketRing: the single-producer single-consumer queue from the capture reader to one
// worker. Each packet is copied into it exactly once (libpcap reuses its own buffer on
// the next read); the worker processes it in place. Records are variable length in one
// preallocated byte ring, so nothing is allocated per packet and a full ring means
// backpressure on the reader, never a silent drop.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>

#include "capture/packet.h"

namespace mamori {

class PacketRing {
 public:
  enum class Kind : uint32_t { Packet, Tick, End, Wrap };

  struct Item {
    Kind kind;
    RawPacket packet;  // for Tick / End only packet.ts is meaningful
  };

  // capacity is rounded up to a power of two.
  explicit PacketRing(size_t capacity);

  // Producer side. False when there is no room now; the caller waits and retries.
  bool tryPush(Kind kind, const RawPacket& pkt);
  // Producer side: the consumer has finished every item pushed so far.
  bool drained() const { return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_relaxed); }
  // Consumer side. The item's data stays valid until pop().
  bool peek(Item& item);
  void pop();

 private:
  struct alignas(32) Header {
    Kind kind;
    uint32_t caplen;
    uint32_t wirelen;
    int32_t linktype;
    TimeUs ts;
    uint64_t size;  // whole record, header included
  };
  static_assert(sizeof(Header) == 32);

  std::unique_ptr<uint8_t[]> buf_;  // not zeroed: pages are touched as the ring fills
  size_t size_;
  size_t mask_;
  alignas(64) std::atomic<uint64_t> head_{0};  // consumer position
  uint64_t cached_tail_ = 0;                   // consumer's view of tail_
  alignas(64) std::atomic<uint64_t> tail_{0};  // producer position
  uint64_t cached_head_ = 0;                   // producer's view of head_
  alignas(64) uint64_t pending_size_ = 0;      // consumer: record being processed
};

}  // namespace mamori
