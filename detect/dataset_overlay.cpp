#include "detect/dataset_overlay.h"

namespace mamori {
namespace {

// A value of the wrong size for its set's type is in no set, as in Suricata.
bool fits(Dataset::Type type, size_t size) {
  switch (type) {
    case Dataset::Type::String: return true;
    case Dataset::Type::Md5: return size == 16;
    case Dataset::Type::Sha256: return size == 32;
    case Dataset::Type::Ipv4: return size == 4;
    case Dataset::Type::Ip: return size == 4 || size == 16;
  }
  return false;
}

}  // namespace

bool DatasetOverlay::test(const DatasetTest& test, std::string_view value) {
  const Dataset& set = *test.set;
  if (test.cmd == DatasetTest::Cmd::Reputation) {
    const auto rep = set.reputation(value);
    return rep && test.reputation.matches(*rep);
  }
  if (!fits(set.type(), value.size())) return test.cmd == DatasetTest::Cmd::IsNotSet;
  Changes* changes = set.id() < sets_.size() ? &sets_[set.id()] : nullptr;
  const bool loaded = set.contains(value);
  const bool present = changes ? changes->added.contains(value) || (loaded && !changes->removed.contains(value))
                               : loaded;
  switch (test.cmd) {
    case DatasetTest::Cmd::IsSet: return present;
    case DatasetTest::Cmd::IsNotSet: return !present;
    case DatasetTest::Cmd::Set:
    case DatasetTest::Cmd::Unset: break;
    case DatasetTest::Cmd::Reputation: return false;
  }
  const bool set_it = test.cmd == DatasetTest::Cmd::Set;
  if (set_it == present) return false;
  if (!changes) {
    sets_.resize(set.id() + 1);
    changes = &sets_[set.id()];
  }
  // Undoing a change frees its entry; a new change needs room.
  Values& undo = set_it ? changes->removed : changes->added;
  if (auto it = undo.find(value); it != undo.end()) {
    undo.erase(it);
    return true;
  }
  Values& record = set_it ? changes->added : changes->removed;
  if (record.size() >= set.maxAdded()) {
    ++refused_;
    return false;
  }
  record.emplace(value);
  return true;
}

}  // namespace mamori
