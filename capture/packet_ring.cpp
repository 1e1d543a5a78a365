#include "capture/packet_ring.h"

namespace mamori {

PacketRing::PacketRing(size_t capacity) {
  size_t c = 1 << 16;
  while (c < capacity) c <<= 1;
  buf_ = std::make_unique_for_overwrite<uint8_t[]>(c);
  size_ = c;
  mask_ = c - 1;
}

bool PacketRing::tryPush(Kind kind, const RawPacket& pkt) {
  uint32_t caplen = kind == Kind::Packet ? pkt.caplen : 0;
  uint64_t size = (sizeof(Header) + caplen + sizeof(Header) - 1) & ~uint64_t(sizeof(Header) - 1);
  uint64_t tail = tail_.load(std::memory_order_relaxed);
  uint64_t to_end = size_ - (tail & mask_);
  // A record never wraps: if it does not fit before the end, a Wrap record pads there.
  uint64_t need = size <= to_end ? size : size + to_end;
  if (need > size_) return false;
  if (tail + need - cached_head_ > size_) {
    cached_head_ = head_.load(std::memory_order_acquire);
    if (tail + need - cached_head_ > size_) return false;
  }
  if (size > to_end) {
    auto* wrap = reinterpret_cast<Header*>(&buf_[tail & mask_]);
    wrap->kind = Kind::Wrap;
    wrap->size = to_end;
    tail += to_end;
  }
  auto* h = reinterpret_cast<Header*>(&buf_[tail & mask_]);
  h->kind = kind;
  h->caplen = caplen;
  h->wirelen = pkt.wirelen;
  h->linktype = pkt.linktype;
  h->ts = pkt.ts;
  h->size = size;
  if (caplen) std::memcpy(h + 1, pkt.data, caplen);
  tail_.store(tail + size, std::memory_order_release);
  return true;
}

bool PacketRing::peek(Item& item) {
  uint64_t head = head_.load(std::memory_order_relaxed);
  for (;;) {
    if (head == cached_tail_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head == cached_tail_) return false;
    }
    auto* h = reinterpret_cast<const Header*>(&buf_[head & mask_]);
    if (h->kind != Kind::Wrap) {
      item.kind = h->kind;
      item.packet.data = reinterpret_cast<const uint8_t*>(h + 1);
      item.packet.caplen = h->caplen;
      item.packet.wirelen = h->wirelen;
      item.packet.linktype = h->linktype;
      item.packet.ts = h->ts;
      pending_size_ = h->size;
      return true;
    }
    head += h->size;
    head_.store(head, std::memory_order_release);
  }
}

void PacketRing::pop() {
  head_.store(head_.load(std::memory_order_relaxed) + pending_size_, std::memory_order_release);
  pending_size_ = 0;
}

}  // namespace mamori
