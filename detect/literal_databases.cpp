#include "detect/literal_databases.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "detect/signature_database.h"

namespace mamori {
namespace {

// A block-mode literal database of the fast patterns of `members`; Hyperscan ids are
// signature indexes.
hs_database* compileLiterals(const std::vector<Signature>& signatures, const std::vector<uint32_t>& members,
                             const HsDatabaseCache* cache, SignatureGroups::Refusal& refusal) {
  std::vector<const char*> literals;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags;
  for (uint32_t i : members) {
    const Signature& s = signatures[i];
    std::string_view bytes = s.fastPatternBytes();
    literals.push_back(bytes.data());
    lengths.push_back(bytes.size());
    flags.push_back(HS_FLAG_SINGLEMATCH | (s.fastPatternNocase() ? HS_FLAG_CASELESS : 0u));
  }
  HsDatabaseCache::Key key;
  key.add(uint64_t{HS_MODE_BLOCK});
  for (size_t i = 0; i < literals.size(); ++i) {
    key.add(std::string_view(literals[i], lengths[i])).add(flags[i]).add(members[i]);
  }
  hs_database* database = cache ? cache->load(key) : nullptr;
  if (database) return database;
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_lit_multi(literals.data(), flags.data(), members.data(), lengths.data(),
                           static_cast<unsigned>(literals.size()), HS_MODE_BLOCK, nullptr, &database,
                           &compile_error) == HS_SUCCESS) {
    if (cache) cache->store(key, database);
    return database;
  }
  refusal.message = compile_error && compile_error->message ? compile_error->message : "unknown error";
  const int expression = compile_error ? compile_error->expression : -1;
  hs_free_compile_error(compile_error);
  if (expression >= 0 && static_cast<size_t>(expression) < members.size()) {
    refusal.signature = static_cast<int>(members[expression]);
  }
  return nullptr;
}

}  // namespace

std::vector<hs_database*> compileLiteralDatabases(const std::vector<Signature>& signatures,
                                     const std::vector<const std::vector<uint32_t>*>& cells,
                                     const HsDatabaseCache* cache, SignatureGroups::Refusal& refusal) {
  std::vector<hs_database*> out(cells.size(), nullptr);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex refusal_lock;
  auto work = [&] {
    for (size_t i; !failed && (i = next++) < cells.size();) {
      SignatureGroups::Refusal mine;
      out[i] = compileLiterals(signatures, *cells[i], cache, mine);
      if (out[i]) continue;
      std::lock_guard lock(refusal_lock);
      if (!failed.exchange(true)) refusal = std::move(mine);
    }
  };
  const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), cells.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (!failed) return out;
  for (hs_database* db : out) hs_free_database(db);
  return {};
}


}  // namespace mamori
