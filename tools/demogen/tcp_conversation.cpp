#include "tools/demogen/tcp_conversation.h"

namespace mamori::demogen {
namespace {

constexpr size_t kMss = 1460;
// Close to Linux's and Windows' minimum RTO, which is what a single lost segment costs.
constexpr Micros kRetransmissionTimeout = 300'000;
constexpr Micros kDelayedAckTimeout = 40'000;

std::vector<std::string_view> cut(std::string_view data, size_t size) {
  std::vector<std::string_view> pieces;
  for (size_t at = 0; at < data.size(); at += size) pieces.push_back(data.substr(at, size));
  return pieces;
}

}  // namespace

TcpConversation::TcpConversation(CaptureFile& capture, Rng& rng, Host& client, Host& server,
                                 uint16_t serverPort, Micros start)
    : capture_(capture),
      rng_(rng),
      client_{client, static_cast<uint16_t>(rng.between(client.stack.ephemeralLow, client.stack.ephemeralHigh)),
              static_cast<uint32_t>(rng.next()), 0},
      server_{server, serverPort, static_cast<uint32_t>(rng.next()), 0},
      now_(start) {}

void TcpConversation::advanceClock(Side from) {
  if (!anySent_) {
    anySent_ = true;
  } else if (from == lastSender_) {
    now_ += rng_.between(10, 120);
  } else {
    now_ += 2 * endpoint(from).host.latencyToTap + rng_.between(40, 400);
  }
  lastSender_ = from;
}

void TcpConversation::idle(Micros duration) {
  if (pendingAck_ && duration > kDelayedAckTimeout) {
    const Side side = *pendingAck_;
    now_ += kDelayedAckTimeout;
    duration -= kDelayedAckTimeout;
    advanceClock(side);
    emit(side, endpoint(side).nextSeq, tcp_flag::kAck, {});
  }
  now_ += duration;
}

void TcpConversation::emit(Side from, uint32_t seq, uint8_t flags, std::string_view payload, Bytes options) {
  Endpoint& self = endpoint(from);
  Endpoint& other = endpoint(peer(from));
  TcpSegment segment;
  segment.sourcePort = self.port;
  segment.destinationPort = other.port;
  segment.seq = seq;
  segment.ack = (flags & tcp_flag::kAck) ? self.receivedUpTo : 0;
  segment.flags = flags;
  segment.window = (flags & tcp_flag::kSyn) ? self.host.stack.synWindow : self.host.stack.window;
  segment.options = std::move(options);
  segment.payload = bytesOf(payload);
  capture_.add(now_, tcpFrame(self.host, other.host, segment));
  if (pendingAck_ == from) pendingAck_.reset();
}

void TcpConversation::open() {
  advanceClock(Side::kClient);
  emit(Side::kClient, client_.nextSeq, tcp_flag::kSyn, {}, synOptions(kMss, client_.host.stack.windowScale));
  server_.receivedUpTo = ++client_.nextSeq;

  advanceClock(Side::kServer);
  emit(Side::kServer, server_.nextSeq, tcp_flag::kSyn | tcp_flag::kAck, {},
       synOptions(kMss, server_.host.stack.windowScale));
  client_.receivedUpTo = ++server_.nextSeq;

  advanceClock(Side::kClient);
  emit(Side::kClient, client_.nextSeq, tcp_flag::kAck, {});
}

void TcpConversation::send(Side from, std::string_view data, Delivery delivery) {
  transmit(from, cut(data, kMss), delivery, false);
}

void TcpConversation::sendSplit(Side from, std::string_view data, size_t firstLength) {
  std::vector<std::string_view> segments = cut(data.substr(0, firstLength), kMss);
  for (std::string_view rest : cut(data.substr(firstLength), kMss)) segments.push_back(rest);
  transmit(from, segments, Delivery::kInOrder, true);
}

void TcpConversation::transmit(Side from, const std::vector<std::string_view>& segments, Delivery delivery,
                               bool pushEach) {
  const Side to = peer(from);
  Endpoint& self = endpoint(from);
  Endpoint& receiver = endpoint(to);
  int unacknowledged = 0;
  auto acknowledge = [&] {
    advanceClock(to);
    emit(to, receiver.nextSeq, tcp_flag::kAck, {});
    unacknowledged = 0;
  };
  auto flagsFor = [&](size_t index) {
    bool push = pushEach || index + 1 == segments.size();
    return static_cast<uint8_t>(tcp_flag::kAck | (push ? tcp_flag::kPsh : 0));
  };

  size_t index = 0;
  if (delivery == Delivery::kFirstTwoSwapped && segments.size() >= 2) {
    const uint32_t firstSeq = self.nextSeq;
    const uint32_t secondSeq = firstSeq + static_cast<uint32_t>(segments[0].size());
    advanceClock(from);
    emit(from, secondSeq, flagsFor(1), segments[1]);
    acknowledge();  // a duplicate ACK: the receiver still waits for firstSeq
    // The late segment was only a little behind; within the RTT, so it reads as
    // reordering rather than a retransmission.
    now_ += rng_.between(300, 900);
    lastSender_ = from;
    emit(from, firstSeq, flagsFor(0), segments[0]);
    self.nextSeq = secondSeq + static_cast<uint32_t>(segments[1].size());
    receiver.receivedUpTo = self.nextSeq;
    acknowledge();
    index = 2;
  }

  for (; index < segments.size(); ++index) {
    advanceClock(from);
    emit(from, self.nextSeq, flagsFor(index), segments[index]);
    if (delivery == Delivery::kFirstSegmentRetransmitted && index == 0) {
      now_ += kRetransmissionTimeout;
      emit(from, self.nextSeq, flagsFor(index), segments[index]);
    }
    self.nextSeq += static_cast<uint32_t>(segments[index].size());
    receiver.receivedUpTo = self.nextSeq;
    // Delayed ACK: one for every two full segments; the last one rides on the reply.
    if (++unacknowledged == 2 && index + 1 < segments.size()) acknowledge();
  }
  if (unacknowledged > 0) pendingAck_ = to;
}

void TcpConversation::close(Side initiator) {
  const Side other = peer(initiator);
  Endpoint& first = endpoint(initiator);
  Endpoint& second = endpoint(other);

  advanceClock(initiator);
  emit(initiator, first.nextSeq, tcp_flag::kFin | tcp_flag::kAck, {});
  second.receivedUpTo = ++first.nextSeq;

  advanceClock(other);
  emit(other, second.nextSeq, tcp_flag::kFin | tcp_flag::kAck, {});
  first.receivedUpTo = ++second.nextSeq;

  advanceClock(initiator);
  emit(initiator, first.nextSeq, tcp_flag::kAck, {});
}

}  // namespace mamori::demogen
