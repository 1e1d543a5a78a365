#pragma once
// Signature group heads: the signatures of one buffer kind (packets, or the reassembled
// stream) split by what a packet must have for a rule to match it: IP protocol (tcp,
// udp, other), direction, the server-side port (the destination port going to the
// server, the source port coming back) and the classes of the two addresses. Each group
// has a Hyperscan database of its rules' fast patterns and a list of its rules without
// one. A packet to port 53 then never meets port-80 rules, and traffic leaving $HOME_NET
// never `$EXTERNAL_NET -> $HOME_NET` rules. A group is a superset of the rules that can
// match: PacketInspector still verifies headers. Groups with the same rules share one
// database. Built once per rule set, read-only after.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "detect/address_classes.h"
#include "detect/hs_database_cache.h"

struct hs_database;

namespace mamori {

struct Signature;

class SignatureGroups {
 public:
  SignatureGroups() = default;
  ~SignatureGroups();
  SignatureGroups(SignatureGroups&& other) noexcept;
  SignatureGroups& operator=(SignatureGroups&& other) noexcept;

  // What build() could not do: Hyperscan's message, and the signature whose fast pattern
  // it refused (-1 when it named none).
  struct Refusal {
    std::string message;
    int signature = -1;
  };

  // Groups `members` (indexes into `signatures`). False with `refusal` set when
  // Hyperscan refuses a database.
  bool build(const std::vector<Signature>& signatures, const std::vector<uint32_t>& members,
             const AddressClasses& classes, const HsDatabaseCache* cache, Refusal& refusal);

  // What a packet's buffer is matched against: the database to scan it with (nullptr
  // when no rule of the group has a fast pattern) and the rules to verify regardless.
  struct Head {
    const hs_database* patterns;
    std::span<const uint32_t> unprefiltered;
  };
  Head headFor(uint8_t proto, bool to_server, uint16_t sport, uint16_t dport, uint8_t src_class,
               uint8_t dst_class) const {
    const Table& table = tables_[protocolClass(proto) * 2 + to_server];
    const uint16_t port = to_server ? dport : sport;
    const size_t segment = std::upper_bound(table.starts.begin(), table.starts.end(), port) - table.starts.begin() - 1;
    const Cell& cell = table.cells[(table.groups[segment] * classes_ + src_class) * classes_ + dst_class];
    return {cell.database < 0 ? nullptr : databases_[cell.database],
            std::span<const uint32_t>(lists_).subspan(cell.list_offset, cell.list_length)};
  }

  const std::vector<hs_database*>& databases() const { return databases_; }

 private:
  static constexpr size_t kProtocolClasses = 3;  // tcp, udp, everything else
  static size_t protocolClass(uint8_t proto) { return proto == 6 ? 0 : proto == 17 ? 1 : 2; }

  struct Cell {
    int32_t database = -1;  // index into databases_; -1 none
    uint32_t list_offset = 0, list_length = 0;  // the unprefiltered rules, in lists_
  };
  // One protocol class and direction: its port segments (the first starts at 0), the
  // group of each, and per group and address-class pair the cell.
  struct Table {
    std::vector<uint16_t> starts{0};
    std::vector<uint32_t> groups{0};
    std::vector<Cell> cells{Cell{}};  // [group][src class][dst class]
  };
  void release();

  std::array<Table, kProtocolClasses * 2> tables_;
  size_t classes_ = 1;
  std::vector<hs_database*> databases_;
  std::vector<uint32_t> lists_;
};

}  // namespace mamori
