#include "detect/signature_groups.h"

#include <hs/hs.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "detect/literal_databases.h"
#include "detect/signature_database.h"

namespace mamori {
namespace {

enum ProtocolClass : size_t { kTcp, kUdp, kOther };  // as SignatureGroups::protocolClass numbers them

// Every port group is compiled once per address-class pair, and Hyperscan takes about
// 25 ms per database whatever its size: past this many, the groups with the fewest rules
// of their own (ports few rules name) become one group holding all their rules. It
// scans for more than each of them would, and verification rejects the extra candidates.
constexpr size_t kMaxPortGroups = 8;

bool seesProtocolClass(const Rule& rule, size_t pc) {
  if (pc == kTcp) return rule.protocol.ip_protocols.test(6);
  if (pc == kUdp) return rule.protocol.ip_protocols.test(17);
  std::bitset<256> others = rule.protocol.ip_protocols;
  others.reset(6);
  others.reset(17);
  return others.any();
}

// The server-side ports a rule can match in one direction: its destination ports going
// to the server, its source ports coming back, both sides for `<>` rules. Empty when the
// rule's flow keyword excludes the direction.
IntervalSet<uint16_t> serverPorts(const Rule& rule, bool to_server) {
  if (to_server ? rule.flow.to_client : rule.flow.to_server) return {};
  auto ports = [](const PortMatcher& m) { return m.isAny() ? IntervalSet<uint16_t>::full() : m.ports(); };
  IntervalSet<uint16_t> out = ports(to_server ? rule.destination_ports : rule.source_ports);
  if (rule.direction == RuleDirection::Bidirectional) out.unite(ports(to_server ? rule.source_ports : rule.destination_ports));
  return out;
}

bool addressClassesMatch(const Rule& rule, const AddressClasses& classes, uint8_t src, uint8_t dst) {
  if (classes.mayMatch(rule.source, src) && classes.mayMatch(rule.destination, dst)) return true;
  return rule.direction == RuleDirection::Bidirectional && classes.mayMatch(rule.source, dst) &&
         classes.mayMatch(rule.destination, src);
}

void mergeSmallGroups(std::vector<std::vector<uint32_t>>& groups, std::vector<uint32_t>& segment_group) {
  if (groups.size() <= kMaxPortGroups) return;
  std::vector<uint32_t> order(groups.size());
  for (uint32_t g = 0; g < order.size(); ++g) order[g] = g;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return groups[a].size() > groups[b].size(); });
  std::vector<uint32_t> renamed(groups.size());
  std::vector<std::vector<uint32_t>> kept;
  std::vector<uint32_t> merged;
  for (uint32_t rank = 0; rank < order.size(); ++rank) {
    const uint32_t g = order[rank];
    if (rank + 1 < kMaxPortGroups) {
      renamed[g] = static_cast<uint32_t>(kept.size());
      kept.push_back(std::move(groups[g]));
      continue;
    }
    renamed[g] = kMaxPortGroups - 1;
    merged.insert(merged.end(), groups[g].begin(), groups[g].end());
  }
  std::sort(merged.begin(), merged.end());
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  kept.push_back(std::move(merged));
  groups = std::move(kept);
  for (uint32_t& g : segment_group) g = renamed[g];
}

}  // namespace

SignatureGroups::~SignatureGroups() { release(); }

SignatureGroups::SignatureGroups(SignatureGroups&& other) noexcept { *this = std::move(other); }

SignatureGroups& SignatureGroups::operator=(SignatureGroups&& other) noexcept {
  if (this != &other) {
    release();
    tables_ = std::move(other.tables_);
    classes_ = other.classes_;
    databases_ = std::move(other.databases_);
    other.databases_.clear();
  }
  return *this;
}

void SignatureGroups::release() {
  for (hs_database* db : databases_) hs_free_database(db);
  databases_.clear();
}

bool SignatureGroups::build(const std::vector<Signature>& signatures, const std::vector<uint32_t>& members,
                            const AddressClasses& classes, const HsDatabaseCache* cache, Refusal& refusal) {
  release();
  lists_.clear();
  classes_ = classes.count();
  // Identical rule lists, wherever they occur, share one database or one list.
  std::map<std::vector<uint32_t>, int32_t> database_of;
  std::vector<const std::vector<uint32_t>*> pending;
  std::map<std::vector<uint32_t>, std::pair<uint32_t, uint32_t>> list_of;
  for (size_t pc = 0; pc < kProtocolClasses; ++pc) {
    for (bool to_server : {true, false}) {
      Table& table = tables_[pc * 2 + to_server];
      table.starts.clear();
      table.groups.clear();
      std::vector<std::pair<uint32_t, IntervalSet<uint16_t>>> seen;
      std::vector<uint16_t> starts{0};
      for (uint32_t i : members) {
        const Rule& rule = signatures[i].rule;
        if (!seesProtocolClass(rule, pc)) continue;
        IntervalSet<uint16_t> ports = serverPorts(rule, to_server);
        if (ports.empty()) continue;
        for (const auto& r : ports.ranges()) {
          starts.push_back(r.lo);
          if (r.hi != IntervalSet<uint16_t>::kMax) starts.push_back(static_cast<uint16_t>(r.hi + 1));
        }
        seen.emplace_back(i, std::move(ports));
      }
      std::sort(starts.begin(), starts.end());
      starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

      // Port segments with the same rules form one group.
      std::map<std::vector<uint32_t>, uint32_t> group_of;
      std::vector<std::vector<uint32_t>> groups;
      std::vector<uint32_t> segment_group;
      for (uint16_t start : starts) {
        std::vector<uint32_t> rules;
        for (const auto& [i, ports] : seen) {
          if (ports.contains(start)) rules.push_back(i);
        }
        auto [it, added] = group_of.try_emplace(rules, static_cast<uint32_t>(groups.size()));
        if (added) groups.push_back(std::move(rules));
        segment_group.push_back(it->second);
      }
      mergeSmallGroups(groups, segment_group);
      for (size_t i = 0; i < starts.size(); ++i) {
        // Neighbouring segments of one group merge, so lookups search fewer starts.
        if (!table.groups.empty() && table.groups.back() == segment_group[i]) continue;
        table.starts.push_back(starts[i]);
        table.groups.push_back(segment_group[i]);
      }
      table.cells.assign(groups.size() * classes_ * classes_, Cell{});
      for (size_t g = 0; g < groups.size(); ++g) {
        for (uint8_t src = 0; src < classes_; ++src) {
          for (uint8_t dst = 0; dst < classes_; ++dst) {
            std::vector<uint32_t> prefiltered, unprefiltered;
            for (uint32_t i : groups[g]) {
              if (!addressClassesMatch(signatures[i].rule, classes, src, dst)) continue;
              (signatures[i].fast_pattern >= 0 ? prefiltered : unprefiltered).push_back(i);
            }
            Cell& cell = table.cells[(g * classes_ + src) * classes_ + dst];
            if (!prefiltered.empty()) {
              auto [it, added] = database_of.try_emplace(std::move(prefiltered), static_cast<int32_t>(pending.size()));
              if (added) pending.push_back(&it->first);
              cell.database = it->second;
            }
            if (!unprefiltered.empty()) {
              auto [it, added] = list_of.try_emplace(unprefiltered, static_cast<uint32_t>(lists_.size()),
                                                     static_cast<uint32_t>(unprefiltered.size()));
              if (added) lists_.insert(lists_.end(), unprefiltered.begin(), unprefiltered.end());
              std::tie(cell.list_offset, cell.list_length) = it->second;
            }
          }
        }
      }
    }
  }
  databases_ = compileLiteralDatabases(signatures, pending, cache, refusal);
  return databases_.size() == pending.size();
}

}  // namespace mamori
