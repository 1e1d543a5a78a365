#include "detect/hs_database_cache.h"

#include <gtest/gtest.h>
#include <hs/hs.h>

#include <filesystem>
#include <fstream>

#include "tests/support/test_support.h"

namespace mamori {
namespace {

hs_database_t* compileLiterals(const std::vector<std::string>& lits) {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < lits.size(); ++i) {
    ptrs.push_back(lits[i].data());
    lens.push_back(lits[i].size());
    flags.push_back(HS_FLAG_SINGLEMATCH);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  EXPECT_EQ(hs_compile_lit_multi(ptrs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(lits.size()),
                                 HS_MODE_BLOCK, nullptr, &db, &err),
            HS_SUCCESS);
  return db;
}

int countMatches(const hs_database_t* db, const std::string& text) {
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  int n = 0;
  hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
          [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
            ++*static_cast<int*>(ctx);
            return 0;
          },
          &n);
  hs_free_scratch(scratch);
  return n;
}

TEST(HsDatabaseCache, StoredDatabaseLoadsBackAndMatchesTheSame) {
  std::string dir = test::tempDir() + "/cache";
  HsDatabaseCache cache(dir);
  HsDatabaseCache::Key key;
  key.add("evil").add("attack").add(uint64_t{HS_FLAG_SINGLEMATCH});
  EXPECT_EQ(cache.load(key), nullptr);
  EXPECT_EQ(cache.misses(), 1u);
  hs_database_t* db = compileLiterals({"evil", "attack"});
  ASSERT_TRUE(cache.store(key, db));
  hs_database_t* again = HsDatabaseCache(dir).load(key);
  ASSERT_NE(again, nullptr) << "another process (a restart) finds the entry";
  EXPECT_EQ(countMatches(again, "an evil attack"), countMatches(db, "an evil attack"));
  hs_free_database(db);
  hs_free_database(again);
}

TEST(HsDatabaseCache, DifferentRulesAreDifferentEntries) {
  HsDatabaseCache::Key a, b, c;
  a.add("evil").add("attack");
  b.add("evilattack");
  c.add("attack").add("evil");
  EXPECT_NE(a.hex(), b.hex()) << "boundaries between patterns count";
  EXPECT_NE(a.hex(), c.hex()) << "order counts (it fixes the ids)";
}

TEST(HsDatabaseCache, DamagedOrMissingEntriesAreMisses) {
  std::string dir = test::tempDir() + "/cache";
  HsDatabaseCache cache(dir);
  HsDatabaseCache::Key key;
  key.add("x");
  hs_database_t* db = compileLiterals({"x"});
  ASSERT_TRUE(cache.store(key, db));
  hs_free_database(db);
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "garbage";
  }
  EXPECT_EQ(cache.load(key), nullptr);
  HsDatabaseCache off("");
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.load(key), nullptr);
}

}  // namespace
}  // namespace mamori
