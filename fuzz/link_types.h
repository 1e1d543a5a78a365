#pragma once
// The link types the packet decoder target cycles through, by a record tag's low 3 bits;
// seed_extractor writes a capture's frames with its link type's index here.
#include <pcap/dlt.h>

namespace mamori::fuzz {

inline constexpr int kLinkTypes[8] = {DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, DLT_LINUX_SLL2,
                                      DLT_NULL,   DLT_LOOP, DLT_IPV4,     DLT_IPV6};

// The index of `linktype`, or -1 when the decoder target does not feed it.
inline int linkTypeIndex(int linktype) {
  for (int i = 0; i < 8; ++i)
    if (kLinkTypes[i] == linktype) return i;
  return -1;
}

}  // namespace mamori::fuzz
