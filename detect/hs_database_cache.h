#pragma once
// HsDatabaseCache: compiled Hyperscan databases kept on disk (hs_serialize_database), keyed
// by a hash of exactly what was compiled, so a restart or reload with unchanged rules
// skips compilation. A missing, stale or damaged entry is a miss, never an error: the
// caller compiles and stores. Entries are written to a temporary file and renamed, so a
// crash mid-write leaves no half entry; the Hyperscan version and platform are part of
// the key, so an upgrade never loads an incompatible database. Safe to use from several
// threads at once for different keys.
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

struct hs_database;

namespace mamori {

class HsDatabaseCache {
 public:
  // An empty directory disables the cache.
  explicit HsDatabaseCache(std::string directory);

  // Accumulates what determines a database: patterns, flags, ids, mode.
  class Key {
   public:
    Key& add(std::string_view bytes);
    Key& add(uint64_t value);
    std::string hex() const;

   private:
    uint64_t a_ = 0xcbf29ce484222325ULL, b_ = 0x84222325cbf29ce4ULL;
  };

  // A deserialised database the caller owns (hs_free_database), or nullptr on a miss.
  hs_database* load(const Key& key) const;
  // Best effort: false when the entry could not be written (the run goes on uncached).
  bool store(const Key& key, const hs_database* db) const;

  bool enabled() const { return !directory_.empty(); }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  std::string pathOf(const Key& key) const;

  std::string directory_;
  mutable std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace mamori
