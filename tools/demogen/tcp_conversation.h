#pragma once
// One TCP connection between two hosts, driven by the story: handshake, data in either
// direction cut into MSS-sized segments with the receiver's ACKs, and the close. Keeps
// sequence and acknowledgement numbers right, and its own clock: every packet appears at
// the tap after the round trip to whichever side sends it.
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/rng.h"
#include "tools/demogen/wire_format.h"

namespace mamori::demogen {

enum class Side { kClient, kServer };

// Network misfortunes worth putting in a capture, because reassembly has to cope with them.
enum class Delivery {
  kInOrder,
  kFirstSegmentRetransmitted,  // lost beyond the tap, sent again after the RTO
  kFirstTwoSwapped,            // the second segment overtakes the first on the way
};

class TcpConversation {
 public:
  TcpConversation(CaptureFile& capture, Rng& rng, Host& client, Host& server, uint16_t serverPort, Micros start);

  Micros now() const { return now_; }
  // Time the next packet's sender spends before sending it: a server working, a user reading.
  // Data still unacknowledged gets its delayed ACK if the pause outlasts the ACK timer.
  void idle(Micros duration);

  void open();
  void send(Side from, std::string_view data, Delivery delivery = Delivery::kInOrder);
  // Two segments cut at `firstLength`, as an evasive client writes them.
  void sendSplit(Side from, std::string_view data, size_t firstLength);
  void send(Side from, const Bytes& data) {
    send(from, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  }
  void close(Side initiator);

 private:
  struct Endpoint {
    Host& host;
    uint16_t port;
    uint32_t nextSeq;      // next sequence number this side sends
    uint32_t receivedUpTo;  // what this side acknowledges
  };

  Endpoint& endpoint(Side side) { return side == Side::kClient ? client_ : server_; }
  static Side peer(Side side) { return side == Side::kClient ? Side::kServer : Side::kClient; }
  void advanceClock(Side from);
  void emit(Side from, uint32_t seq, uint8_t flags, std::string_view payload, Bytes options = {});
  void transmit(Side from, const std::vector<std::string_view>& segments, Delivery delivery, bool pushEach);

  CaptureFile& capture_;
  Rng& rng_;
  Endpoint client_;
  Endpoint server_;
  Micros now_;
  bool anySent_ = false;
  std::optional<Side> pendingAck_;  // the side that owes an ACK for data it received
  Side lastSender_ = Side::kClient;
};

}  // namespace mamori::demogen
