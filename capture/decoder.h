#pragma once
// Decoder: turns one raw frame into a DecodedPacket (link layer -> VLAN -> IP (with
// fragment reassembly) -> tunnels (GRE, VXLAN, Geneve, GTP-U,
// Teredo, IP-in-IP) -> TCP/UDP/ICMP/ICMPv6).
// Consumes: RawPacket. Produces: DecodedPacket, or a DecodeEvent kind for a malformed
// frame. One Decoder per worker; it owns that worker's FragmentReassembler, so it is not
// thread-safe and allocates nothing per packet once constructed.
#include <memory>

#include "capture/decode_event.h"
#include "capture/fragment_reassembler.h"
#include "capture/packet.h"

namespace mamori {

enum class DecodeStatus : uint8_t {
  Ok,            // out is complete; out.ip_version == 0 means a valid non-IP frame (no flow)
  FragmentHeld,  // a valid IP fragment kept for reassembly; nothing to hand on yet
  Malformed,     // error tells which check failed; the packet's events include it
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::Ok;
  DecodeEvent error = DecodeEvent::Count;
};

class Decoder {
 public:
  explicit Decoder(const FragmentReassembler::Limits& limits = {});
  DecodeResult decode(const RawPacket& raw, DecodedPacket& out);

  // Frees fragment trains older than their timeout at packet time `now`.
  void expireFragments(TimeUs now) { frags_.expire(now); }
  const FragmentReassembler::Stats& fragmentStats() const { return frags_.stats(); }

 private:
  DecodeResult decodeFrame(const RawPacket& raw, DecodedPacket& out);

  FragmentReassembler frags_;
};

}  // namespace mamori
