#pragma once
// shardHash: picks the worker for a raw frame before it is decoded, from the outer IP
// address pair only, and symmetrically (a->b and b->a give the same value).
//
// Why addresses only: ports are not in IPv4/IPv6 fragments after the first, so a hash
// with ports would send the fragments of one datagram to different workers and none
// could reassemble it; ICMP errors about a flow carry no ports of their own either.
// Why outer only: the inner header of a tunnelled datagram is out of reach in its
// non-first fragments too. The cost is balance: one busy tunnel (a VXLAN or ERSPAN
// feed, one pair of hosts) lands on one worker.
//
// Parses the link layer (the link types the Decoder accepts), VLAN tags, MPLS labels
// and PPPoE, then the IP addresses. Non-IP or unparseable frames hash to 0.
#include <cstdint>

namespace mamori {

uint32_t shardHash(const uint8_t* data, uint32_t caplen, int linktype);

}  // namespace mamori
