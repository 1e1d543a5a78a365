// HttpRangeStore: pieces of a file joined by host and URI, in any order and overlapping,
// across threads as workers hand them in, within its bounds.
#include "applayer/http_file_headers.h"
#include "applayer/http_range_store.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace mamori {
namespace {

using Result = HttpRangeStore::Result;

HttpRangeStore::Piece piece(const std::string& file, uint64_t start, uint64_t end_inclusive) {
  return {start, file.size(),
          {reinterpret_cast<const uint8_t*>(file.data()) + start, static_cast<size_t>(end_inclusive - start + 1)}};
}

const std::string kEicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

TEST(HttpRangeStore, PiecesInAnyOrderMakeTheWholeFileOnce) {
  HttpRangeStore store({});
  const std::string key = HttpRangeStore::key("example.com", "/eicar.com");
  std::string whole;
  EXPECT_EQ(store.add(key, piece(kEicar, 40, 67), 1, whole), Result::Partial);
  EXPECT_EQ(store.add(key, piece(kEicar, 0, 19), 2, whole), Result::Partial);
  EXPECT_EQ(store.add(key, piece(kEicar, 10, 30), 3, whole), Result::Partial) << "overlapping";
  EXPECT_TRUE(whole.empty());
  EXPECT_EQ(store.add(key, piece(kEicar, 31, 39), 4, whole), Result::Complete);
  EXPECT_EQ(whole, kEicar);
  EXPECT_EQ(store.bytesHeld(), 0u);
  EXPECT_EQ(store.counters().files_completed, 1u);
  // Forgotten once whole: the next download of it starts afresh.
  EXPECT_EQ(store.add(key, piece(kEicar, 0, 9), 5, whole), Result::Partial);
}

TEST(HttpRangeStore, HostAndUriNameTheFile) {
  HttpRangeStore store({});
  std::string whole;
  EXPECT_EQ(store.add(HttpRangeStore::key("a.example", "/f"), piece(kEicar, 0, 33), 1, whole), Result::Partial);
  EXPECT_EQ(store.add(HttpRangeStore::key("b.example", "/f"), piece(kEicar, 34, 67), 1, whole), Result::Partial);
  EXPECT_NE(HttpRangeStore::key("a", "b/c"), HttpRangeStore::key("a/b", "/c"));
}

TEST(HttpRangeStore, BoundsRefuseAndCount) {
  HttpRangeStore::Config c;
  c.memcap = 100;
  c.max_file_bytes = 80;
  c.max_pieces = 2;
  c.timeout = 10;
  HttpRangeStore store(c);
  std::string whole;
  const std::string big(81, 'x');
  EXPECT_EQ(store.add("big", piece(big, 0, 9), 0, whole), Result::Refused);
  EXPECT_EQ(store.counters().refused_size, 1u);

  EXPECT_EQ(store.add("one", piece(kEicar, 0, 9), 0, whole), Result::Partial);
  EXPECT_EQ(store.add("two", piece(kEicar, 0, 9), 0, whole), Result::Refused) << "68 + 68 bytes pass memcap";
  EXPECT_EQ(store.counters().refused_memcap, 1u);

  EXPECT_EQ(store.add("one", {0, 70, piece(kEicar, 10, 19).data}, 1, whole), Result::Refused) << "total changed";
  EXPECT_EQ(store.counters().refused_invalid, 1u);
  EXPECT_EQ(store.bytesHeld(), 0u) << "the file is dropped";

  EXPECT_EQ(store.add("one", piece(kEicar, 0, 9), 2, whole), Result::Partial);
  EXPECT_EQ(store.add("one", piece(kEicar, 20, 29), 2, whole), Result::Partial);
  EXPECT_EQ(store.add("one", piece(kEicar, 40, 49), 2, whole), Result::Refused) << "a third disjoint piece";
  EXPECT_EQ(store.counters().refused_pieces, 1u);

  EXPECT_EQ(store.add("one", piece(kEicar, 0, 9), 3, whole), Result::Partial);
  EXPECT_EQ(store.add("other", piece(kEicar.substr(0, 20), 0, 9), 14, whole), Result::Partial);
  EXPECT_EQ(store.counters().expired, 1u) << "untouched for more than 10 us";
  EXPECT_EQ(store.bytesHeld(), 20u);
  EXPECT_EQ(store.add("x", {5, 4, piece(kEicar, 0, 0).data}, 14, whole), Result::Refused) << "past its total";
}

TEST(HttpRangeStore, ContentRangeGivesThePiecesPlace) {
  uint64_t start = 0, end = 0, total = 0;
  EXPECT_TRUE(parseContentRange("bytes 34-67/68", start, end, total));
  EXPECT_EQ(start, 34u);
  EXPECT_EQ(end, 67u);
  EXPECT_EQ(total, 68u);
  EXPECT_TRUE(parseContentRange("bytes 0-9/*", start, end, total));
  EXPECT_EQ(total, 0u) << "unknown size";
  EXPECT_FALSE(parseContentRange("bytes 9-0/10", start, end, total));
  EXPECT_FALSE(parseContentRange("bytes 0-9/x", start, end, total));
  EXPECT_FALSE(parseContentRange("items 0-9/10", start, end, total));
  EXPECT_FALSE(parseContentRange("bytes 0-99999999999999999999/1", start, end, total));
}

// Workers hand pieces in concurrently: every file comes out whole exactly once.
TEST(HttpRangeStore, WorkersShareIt) {
  HttpRangeStore store({});
  constexpr int kFiles = 200;
  std::vector<int> completed(2, 0);
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&, w] {
      std::string whole;
      for (int f = 0; f < kFiles; ++f) {
        // Worker 0 sends the first half of each file, worker 1 the second.
        const auto p = w == 0 ? piece(kEicar, 0, 33) : piece(kEicar, 34, 67);
        if (store.add("/f" + std::to_string(f), p, 0, whole) == Result::Complete) {
          if (whole == kEicar) ++completed[w];
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(completed[0] + completed[1], kFiles);
  EXPECT_EQ(store.bytesHeld(), 0u);
}

}  // namespace
}  // namespace mamori
