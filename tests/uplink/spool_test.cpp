#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_support.h"
#include "uplink/spool.h"

namespace mamori {
namespace {

namespace fs = std::filesystem;

std::string spoolDir() { return test::tempDir() + "/spool"; }

SpoolOptions options(uint64_t segment_bytes = uint64_t{8} << 20,
                     uint64_t max_bytes = uint64_t{512} << 20) {
  SpoolOptions o;
  o.dir = spoolDir();
  o.segment_bytes = segment_bytes;
  o.max_bytes = max_bytes;
  return o;
}

// A record that names its number, padded to about 100 bytes.
std::string body(uint64_t n) {
  std::string json = "{\"n\":" + std::to_string(n) + ",\"pad\":\"";
  json.append(100 - std::min<size_t>(json.size(), 90), 'x');
  return json + "\"}";
}

std::vector<SpoolRecord> readAll(Spool& spool, uint64_t after = 0) {
  std::vector<SpoolRecord> out;
  while (spool.read(out.empty() ? after : out.back().seq, 1000, size_t{1} << 30, out) > 0) {
  }
  return out;
}

std::vector<uint64_t> seqs(const std::vector<SpoolRecord>& records) {
  std::vector<uint64_t> out;
  for (const auto& r : records) out.push_back(r.seq);
  return out;
}

std::vector<uint64_t> range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t n = first; n <= last; ++n) out.push_back(n);
  return out;
}

// The first sequence of each segment file, oldest first.
std::vector<uint64_t> segmentFirsts(const std::string& dir) {
  std::vector<uint64_t> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".spool")) out.push_back(std::stoull(name.substr(0, 20)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string segmentPath(const std::string& dir, uint64_t first) {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.spool", static_cast<unsigned long long>(first));
  return dir + "/" + name;
}

void fill(Spool& spool, uint64_t first, uint64_t last) {
  for (uint64_t n = first; n <= last; ++n) ASSERT_TRUE(spool.append(EventKind::Alert, body(n)));
  spool.flush();
}

TEST(Spool, AppendsFlushesAndReadsInOrder) {
  Spool spool(options());
  ASSERT_TRUE(spool.append(EventKind::Alert, "{\"a\":1}"));
  ASSERT_TRUE(spool.append(EventKind::Flow, "{\"f\":2}"));
  ASSERT_TRUE(spool.append(EventKind::Incident, ""));
  EXPECT_EQ(spool.lastSeq(), 3u);
  // Buffered, not written: the consumer sees nothing yet.
  EXPECT_EQ(spool.writtenSeq(), 0u);
  std::vector<SpoolRecord> out;
  EXPECT_EQ(spool.read(0, 100, 1 << 20, out), 0u);

  spool.flush();
  EXPECT_EQ(spool.writtenSeq(), 3u);
  ASSERT_EQ(spool.read(0, 100, 1 << 20, out), 3u);
  EXPECT_EQ(seqs(out), range(1, 3));
  EXPECT_EQ(out[0].kind, EventKind::Alert);
  EXPECT_EQ(out[0].json, "{\"a\":1}");
  EXPECT_EQ(out[1].kind, EventKind::Flow);
  EXPECT_EQ(out[1].json, "{\"f\":2}");
  EXPECT_EQ(out[2].kind, EventKind::Incident);
  EXPECT_EQ(out[2].json, "");
  EXPECT_EQ(spool.read(3, 100, 1 << 20, out), 0u);

  auto c = spool.counters();
  EXPECT_EQ(c.appended, 3u);
  EXPECT_EQ(c.dropped, 0u);
  EXPECT_EQ(c.segments, 1u);
  EXPECT_EQ(c.bytes, fs::file_size(segmentPath(spoolDir(), 1)));
  EXPECT_EQ(c.bytes, 3 * 17 + 7 + 7 + 0u);
}

TEST(Spool, SequenceStartsAtOneAndContinuesAfterReopen) {
  {
    Spool spool(options());
    EXPECT_EQ(spool.lastSeq(), 0u);
    for (uint64_t n = 1; n <= 5; ++n) ASSERT_TRUE(spool.append(EventKind::Alert, body(n)));
    // No flush: the destructor writes what is buffered.
  }
  Spool spool(options());
  EXPECT_EQ(spool.lastSeq(), 5u);
  EXPECT_EQ(spool.writtenSeq(), 5u);
  EXPECT_EQ(spool.counters().recovered_torn, 0u);
  ASSERT_TRUE(spool.append(EventKind::Dns, body(6)));
  spool.flush();
  auto records = readAll(spool);
  EXPECT_EQ(seqs(records), range(1, 6));
  for (const auto& r : records) EXPECT_EQ(r.json, body(r.seq));
  EXPECT_EQ(records.back().kind, EventKind::Dns);
}

TEST(Spool, StreamIdPersistsAndANewFolderGetsAnother) {
  std::string id;
  {
    Spool spool(options());
    id = spool.streamId();
  }
  ASSERT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(test::readFile(spoolDir() + "/stream"), id + "\n");
  {
    Spool spool(options());
    EXPECT_EQ(spool.streamId(), id);
  }
  SpoolOptions other = options();
  other.dir = test::tempDir() + "/other";
  Spool spool(other);
  EXPECT_EQ(spool.streamId().size(), 32u);
  EXPECT_NE(spool.streamId(), id);
}

TEST(Spool, FolderWithoutSegmentsStartsANewStream) {
  std::string id;
  {
    Spool spool(options());
    id = spool.streamId();
    fill(spool, 1, 10);
  }
  // Numbering again from 1 under the old id would have the central drop the records as
  // repeats.
  fs::remove(segmentPath(spoolDir(), 1));
  Spool spool(options());
  EXPECT_NE(spool.streamId(), id);
  EXPECT_EQ(spool.lastSeq(), 0u);
  ASSERT_TRUE(spool.append(EventKind::Alert, body(1)));
  spool.flush();
  EXPECT_EQ(seqs(readAll(spool)), range(1, 1));
}

TEST(Spool, ReadsOnFromItsCursorAndRewinds) {
  Spool spool(options(1000));
  fill(spool, 1, 100);
  ASSERT_GT(segmentFirsts(spoolDir()).size(), 5u);

  // In batches, each call going on from the last record it gave.
  std::vector<SpoolRecord> out;
  uint64_t after = 0;
  while (size_t n = spool.read(after, 7, 1 << 20, out)) {
    EXPECT_LE(n, 7u);
    after = out.back().seq;
  }
  EXPECT_EQ(seqs(out), range(1, 100));
  for (const auto& r : out) EXPECT_EQ(r.json, body(r.seq));

  // Records written after the cursor reached the end come next.
  fill(spool, 101, 130);
  out.clear();
  ASSERT_EQ(spool.read(100, 1000, 1 << 20, out), 30u);
  EXPECT_EQ(seqs(out), range(101, 130));

  // A reconnect goes back to what the central holds, mid-segment or from the start.
  out.clear();
  ASSERT_EQ(spool.read(42, 5, 1 << 20, out), 5u);
  EXPECT_EQ(seqs(out), range(43, 47));
  out.clear();
  ASSERT_EQ(spool.read(0, 3, 1 << 20, out), 3u);
  EXPECT_EQ(seqs(out), range(1, 3));
  // ... and forward past records never read.
  out.clear();
  ASSERT_EQ(spool.read(117, 2, 1 << 20, out), 2u);
  EXPECT_EQ(seqs(out), range(118, 119));

  // About max_bytes of JSON, but always at least one record.
  size_t size = body(1).size();
  out.clear();
  EXPECT_EQ(spool.read(0, 1000, 1, out), 1u);
  out.clear();
  EXPECT_EQ(spool.read(10, 1000, 3 * size, out), 3u);
  EXPECT_EQ(seqs(out), range(11, 13));
  out.clear();
  EXPECT_EQ(spool.read(130, 1000, 1 << 20, out), 0u);
}

TEST(Spool, AcknowledgeDeletesWholeSegmentsButNeverTheNewest) {
  std::string dir = spoolDir();
  fs::create_directories(dir);
  std::ofstream(dir + "/notes.txt") << "the operator's";
  Spool spool(options(1000));
  fill(spool, 1, 95);
  auto firsts = segmentFirsts(dir);
  ASSERT_GT(firsts.size(), 5u);

  // A segment goes once its last record (the next one's first - 1) is acknowledged.
  const uint64_t acked = 35;
  std::vector<uint64_t> kept;
  for (size_t i = 0; i < firsts.size(); ++i) {
    if (i + 1 == firsts.size() || firsts[i + 1] - 1 > acked) kept.push_back(firsts[i]);
  }
  ASSERT_LT(kept.size(), firsts.size());
  ASSERT_LE(kept.front(), acked + 1);
  spool.acknowledge(acked);
  EXPECT_EQ(spool.acknowledgedSeq(), acked);
  EXPECT_EQ(segmentFirsts(dir), kept);
  EXPECT_EQ(spool.counters().segments, kept.size());
  uint64_t bytes = 0;
  for (uint64_t first : kept) bytes += fs::file_size(segmentPath(dir, first));
  EXPECT_EQ(spool.counters().bytes, bytes);
  // What was not acknowledged is all still there; reading from before it starts at the
  // oldest record left.
  EXPECT_EQ(seqs(readAll(spool, acked)), range(acked + 1, 95));
  EXPECT_EQ(seqs(readAll(spool, 0)), range(kept.front(), 95));

  // Everything acknowledged: the newest segment stays, so the sequence carries on.
  spool.acknowledge(95);
  EXPECT_EQ(segmentFirsts(dir), std::vector<uint64_t>{firsts.back()});
  EXPECT_EQ(spool.counters().segments, 1u);
  EXPECT_TRUE(fs::exists(dir + "/notes.txt"));
  EXPECT_TRUE(fs::exists(dir + "/stream"));
}

TEST(Spool, AcknowledgingMoreThanWasWrittenDeletesNothingUnwritten) {
  Spool spool(options(1000));
  fill(spool, 1, 50);
  for (uint64_t n = 51; n <= 60; ++n) ASSERT_TRUE(spool.append(EventKind::Alert, body(n)));
  uint64_t written = spool.writtenSeq();
  ASSERT_LT(written, 60u);
  spool.acknowledge(1000000);
  EXPECT_EQ(spool.acknowledgedSeq(), written);
  spool.flush();
  EXPECT_EQ(seqs(readAll(spool, written)), range(written + 1, 60));
}

TEST(Spool, ReopenedSpoolKnowsWhatWasAcknowledged) {
  {
    Spool spool(options(1000));
    fill(spool, 1, 60);
    spool.acknowledge(60);
  }
  auto firsts = segmentFirsts(spoolDir());
  ASSERT_EQ(firsts.size(), 1u);
  Spool spool(options(1000));
  EXPECT_EQ(spool.acknowledgedSeq(), firsts.front() - 1);
  EXPECT_EQ(spool.lastSeq(), 60u);
  EXPECT_EQ(seqs(readAll(spool)), range(firsts.front(), 60));
}

TEST(Spool, FullSpoolDropsAndCountsThenAcceptsAfterAcknowledge) {
  const uint64_t max = 8192;
  Spool spool(options(1 << 20, max));  // segments come down to a quarter of max_bytes
  uint64_t n = 0;
  while (spool.append(EventKind::Alert, body(n + 1))) ++n;
  ASSERT_GT(n, 40u);
  EXPECT_EQ(spool.counters().dropped, 1u);
  EXPECT_FALSE(spool.append(EventKind::Alert, body(n + 1)));
  EXPECT_EQ(spool.counters().dropped, 2u);
  EXPECT_EQ(spool.lastSeq(), n);  // refusals use no number
  spool.flush();
  auto c = spool.counters();
  EXPECT_EQ(c.appended, n);
  EXPECT_LE(c.bytes, max);
  EXPECT_GT(c.bytes + 17 + body(n + 1).size(), max);
  uint64_t on_disk = 0;
  for (uint64_t first : segmentFirsts(spoolDir())) {
    on_disk += fs::file_size(segmentPath(spoolDir(), first));
  }
  EXPECT_EQ(on_disk, c.bytes);

  spool.acknowledge(spool.writtenSeq());
  EXPECT_LE(spool.counters().bytes, max / 4 + 17 + body(n).size());
  ASSERT_TRUE(spool.append(EventKind::Alert, body(n + 1)));
  EXPECT_EQ(spool.lastSeq(), n + 1);
  spool.flush();
  auto records = readAll(spool, n);
  ASSERT_EQ(seqs(records), range(n + 1, n + 1));
  EXPECT_EQ(records[0].json, body(n + 1));
}

// Reopens a spool whose newest segment was damaged at the end: the last record is cut off
// and counted, and numbering carries on from the record before it.
void expectTornTailCut(const std::function<void(const std::string& path)>& damage) {
  {
    Spool spool(options(1000));
    fill(spool, 1, 25);
  }
  auto firsts = segmentFirsts(spoolDir());
  ASSERT_GT(firsts.size(), 1u);
  std::string newest = segmentPath(spoolDir(), firsts.back());
  uint64_t size = fs::file_size(newest);
  damage(newest);

  Spool spool(options(1000));
  EXPECT_EQ(spool.counters().recovered_torn, 1u);
  EXPECT_EQ(spool.lastSeq(), 24u);
  EXPECT_EQ(spool.writtenSeq(), 24u);
  EXPECT_EQ(fs::file_size(newest), size - 17 - body(25).size());
  ASSERT_TRUE(spool.append(EventKind::Tls, "{\"again\":25}"));
  spool.flush();
  auto records = readAll(spool);
  EXPECT_EQ(seqs(records), range(1, 25));
  EXPECT_EQ(records.back().json, "{\"again\":25}");
  EXPECT_EQ(records.back().kind, EventKind::Tls);
  for (size_t i = 0; i + 1 < records.size(); ++i) EXPECT_EQ(records[i].json, body(records[i].seq));
}

TEST(Spool, TruncatedTailIsCutOffAtReopen) {
  expectTornTailCut([](const std::string& path) {
    fs::resize_file(path, fs::file_size(path) - 40);  // mid-way through the last record
  });
}

TEST(Spool, CrcMismatchIsCutOffAtReopen) {
  expectTornTailCut([](const std::string& path) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-5, std::ios::end);
    char c = 0;
    file.get(c);
    file.seekp(-5, std::ios::end);
    file.put(static_cast<char>(c ^ 0x20));
  });
}

TEST(Spool, TornHeaderIsCutOffAtReopen) {
  expectTornTailCut([](const std::string& path) {
    // Only the first bytes of the last record's length made it.
    fs::resize_file(path, fs::file_size(path) - body(25).size() - 17 + 2);
  });
}

TEST(Spool, DamageInAnOlderSegmentIsAnErrorNamingIt) {
  {
    Spool spool(options(1000));
    fill(spool, 1, 60);
  }
  auto firsts = segmentFirsts(spoolDir());
  ASSERT_GT(firsts.size(), 3u);
  std::string older = segmentPath(spoolDir(), firsts[1]);
  uint64_t size = fs::file_size(older);
  fs::resize_file(older, size - 10);
  try {
    Spool spool(options(1000));
    FAIL() << "opened a spool with a damaged older segment";
  } catch (const SpoolError& e) {
    EXPECT_NE(std::string(e.what()).find(older), std::string::npos) << e.what();
  }
  // Nothing was cut: the operator decides.
  EXPECT_EQ(fs::file_size(older), size - 10);
}

TEST(Spool, MissingSegmentIsAnErrorNamingTheNextOne) {
  {
    Spool spool(options(1000));
    fill(spool, 1, 60);
  }
  auto firsts = segmentFirsts(spoolDir());
  ASSERT_GT(firsts.size(), 3u);
  fs::remove(segmentPath(spoolDir(), firsts[1]));
  try {
    Spool spool(options(1000));
    FAIL() << "opened a spool with a gap in its sequence";
  } catch (const SpoolError& e) {
    EXPECT_NE(std::string(e.what()).find(segmentPath(spoolDir(), firsts[2])), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("gap"), std::string::npos) << e.what();
  }
}

TEST(Spool, OverlappingSegmentsAreAnErrorNamingThem) {
  {
    Spool spool(options(1000));
    fill(spool, 1, 60);
  }
  auto firsts = segmentFirsts(spoolDir());
  ASSERT_GT(firsts.size(), 3u);
  // A copy of a segment under a later number: its records repeat the ones before it.
  std::string copy = segmentPath(spoolDir(), firsts[1] + 1);
  fs::copy_file(segmentPath(spoolDir(), firsts[1]), copy);
  try {
    Spool spool(options(1000));
    FAIL() << "opened a spool with repeated sequences";
  } catch (const SpoolError& e) {
    EXPECT_NE(std::string(e.what()).find(copy), std::string::npos) << e.what();
  }
}

TEST(Spool, RecordOverTheBoundIsRefused) {
  Spool spool(options());
  std::string big(Spool::kMaxJsonBytes + 1, 'x');
  EXPECT_FALSE(spool.append(EventKind::Alert, big));
  EXPECT_EQ(spool.counters().dropped, 1u);
  EXPECT_EQ(spool.lastSeq(), 0u);
  EXPECT_EQ(spool.counters().bytes, 0u);

  // At the bound it goes in whole, between small records, and reads back intact.
  big.pop_back();
  big.front() = '"';
  big.back() = '"';
  ASSERT_TRUE(spool.append(EventKind::Alert, body(1)));
  ASSERT_TRUE(spool.append(EventKind::Alert, big));
  ASSERT_TRUE(spool.append(EventKind::Alert, body(3)));
  spool.flush();
  auto records = readAll(spool);
  ASSERT_EQ(seqs(records), range(1, 3));
  EXPECT_EQ(records[0].json, body(1));
  EXPECT_TRUE(records[1].json == big);
  EXPECT_EQ(records[2].json, body(3));
}

TEST(Spool, UncreatableFolderIsAnErrorNamingIt) {
  // Root ignores permissions: a folder under a regular file cannot be made by anyone.
  std::string file = test::tempDir() + "/plain-file";
  std::ofstream(file) << "not a folder";
  SpoolOptions o = options();
  o.dir = file + "/spool";
  try {
    Spool spool(o);
    FAIL() << "made a spool under a regular file";
  } catch (const SpoolError& e) {
    EXPECT_NE(std::string(e.what()).find(o.dir), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Not a directory"), std::string::npos) << e.what();
  }
}

TEST(Spool, SecondSpoolOnTheSameFolderIsRefused) {
  Spool spool(options());
  try {
    Spool second(options());
    FAIL() << "two spools share a folder";
  } catch (const SpoolError& e) {
    EXPECT_NE(std::string(e.what()).find(spoolDir()), std::string::npos) << e.what();
  }
  ASSERT_TRUE(spool.append(EventKind::Alert, body(1)));
}

TEST(Spool, StreamFileThatIsNotAnIdIsAnError) {
  { Spool spool(options()); }
  std::ofstream(spoolDir() + "/stream") << "hello\n";
  try {
    Spool spool(options());
    FAIL() << "accepted a stream file without an id";
  } catch (const SpoolError& e) {
    EXPECT_NE(std::string(e.what()).find(spoolDir() + "/stream"), std::string::npos) << e.what();
  }
}

// A write that fails half-way (here: over the file size limit) loses the buffered records,
// counts them, and gives their numbers out again, so the sequence has no hole and the
// file no torn record.
TEST(Spool, FailedWriteLosesOnlyTheBufferedRecordsAndLeavesNoHole) {
  Spool spool(options());
  fill(spool, 1, 10);
  uint64_t written = fs::file_size(segmentPath(spoolDir(), 1));
  for (uint64_t n = 11; n <= 20; ++n) ASSERT_TRUE(spool.append(EventKind::Alert, body(n)));

  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limit = old;
  limit.rlim_cur = written + 300;  // room for part of the buffer
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  EXPECT_THROW(spool.flush(), SpoolError);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, old_handler);

  auto c = spool.counters();
  EXPECT_EQ(c.dropped, 10u);
  EXPECT_EQ(c.appended, 10u);
  EXPECT_EQ(spool.lastSeq(), 10u);
  EXPECT_EQ(spool.writtenSeq(), 10u);
  EXPECT_EQ(fs::file_size(segmentPath(spoolDir(), 1)), written);
  EXPECT_EQ(c.bytes, written);

  ASSERT_TRUE(spool.append(EventKind::Alert, body(11)));
  spool.flush();
  EXPECT_EQ(seqs(readAll(spool)), range(1, 11));
}

TEST(Spool, ConcurrentProducerAndConsumerLoseAndRepeatNothing) {
  const uint64_t total = 1000000;
  const uint64_t max = 1 << 20;
  Spool spool(options(64 << 10, max));
  std::atomic<bool> produced{false};
  uint64_t refusals = 0;
  uint64_t peak_bytes = 0;

  std::thread producer([&] {
    for (uint64_t n = 1; n <= total; ++n) {
      std::string json = "{\"n\":" + std::to_string(n) + "}";
      // A full spool refuses; this producer waits for the consumer instead of losing
      // the record, so that every number arrives.
      while (!spool.append(EventKind::Flow, json)) {
        ++refusals;
        spool.flush();
        std::this_thread::yield();
      }
      if (n % 1000 == 0) spool.flush();  // the output thread's timer
      peak_bytes = std::max(peak_bytes, spool.counters().bytes);
    }
    spool.flush();
    produced = true;
  });

  uint64_t received = 0;
  bool in_order = true;
  std::vector<SpoolRecord> batch;
  while (received < total) {
    batch.clear();
    if (spool.read(received, 500, 64 << 10, batch) == 0) {
      if (produced && spool.writtenSeq() == received) break;  // would be a loss
      std::this_thread::yield();
      continue;
    }
    for (const auto& r : batch) {
      if (r.seq != received + 1 || r.json != "{\"n\":" + std::to_string(r.seq) + "}") {
        in_order = false;
      }
      received = r.seq;
    }
    spool.acknowledge(received);
  }
  producer.join();

  EXPECT_TRUE(in_order);
  EXPECT_EQ(received, total);
  auto c = spool.counters();
  EXPECT_EQ(c.appended, total);
  EXPECT_EQ(c.dropped, refusals);
  EXPECT_LE(peak_bytes, max);
  EXPECT_EQ(spool.lastSeq(), total);
  EXPECT_EQ(spool.acknowledgedSeq(), total);
  EXPECT_EQ(c.segments, 1u);
  EXPECT_EQ(segmentFirsts(spoolDir()).size(), 1u);
  EXPECT_LE(c.bytes, (uint64_t{64} << 10) + 17 + std::to_string(total).size() + 6);
}

}  // namespace
}  // namespace mamori
