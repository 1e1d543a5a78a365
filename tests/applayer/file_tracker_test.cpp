#include "applayer/file_tracker.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <fstream>
#include <map>
#include <random>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/http_test_util.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// The digest coreutils' tool prints for the same bytes.
std::string digestOf(const std::string& tool, const std::string& path) {
  const std::string out = run(tool + " '" + path + "'");
  return out.substr(0, out.find(' '));
}

TEST(FileTracker, HashesAgreeWithCoreutilsOverChunkedInput) {
  std::mt19937 rng(7);
  std::string bytes(300'000, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const std::string path = ::testing::TempDir() + "/file_tracker_bytes";
  std::ofstream(path, std::ios::binary) << bytes;

  FileTracker tracker({.hashes = file_hash::kMd5 | file_hash::kSha1 | file_hash::kSha256});
  uint32_t flow_files = 0;
  const auto h = tracker.open(flow_files, 3, Direction::ToClient, "/x.bin");
  ASSERT_NE(h, FileTracker::kNone);
  for (size_t at = 0; at < bytes.size();) {
    const size_t n = std::min<size_t>(rng() % 3000 + 1, bytes.size() - at);
    tracker.append(h, reinterpret_cast<const uint8_t*>(bytes.data() + at), n);
    at += n;
  }
  const TrackedFile& f = tracker.close(h, true);
  EXPECT_EQ(f.state, FileState::Closed);
  EXPECT_EQ(f.size, bytes.size());
  EXPECT_EQ(f.tx_id, 3u);
  EXPECT_EQ(f.md5, digestOf("md5sum", path));
  EXPECT_EQ(f.sha1, digestOf("sha1sum", path));
  EXPECT_EQ(f.sha256, digestOf("sha256sum", path));
  EXPECT_EQ(f.magic, "data");  // libmagic on random bytes
  tracker.release(h, false);
  EXPECT_EQ(tracker.openFiles(), 0u);
}

TEST(FileTracker, GapTruncatesAndDropsHashes) {
  FileTracker tracker({.hashes = file_hash::kSha256});
  uint32_t flow_files = 0;
  const auto h = tracker.open(flow_files, 0, Direction::ToClient, "a");
  tracker.append(h, reinterpret_cast<const uint8_t*>("%PDF-1.4\n"), 9);
  tracker.gap(h, 100);
  const TrackedFile& f = tracker.close(h, true);
  EXPECT_EQ(f.state, FileState::Truncated);
  EXPECT_TRUE(f.gaps);
  EXPECT_EQ(f.size, 109u);
  EXPECT_TRUE(f.sha256.empty());
  tracker.release(h, false);
}

TEST(FileTracker, LimitsRefuseAndCount) {
  FileTracker tracker({.max_open_files = 2, .max_files_per_flow = 3, .max_hash_bytes = 4, .magic_bytes = 0});
  uint32_t flow_a = 0, flow_b = 0;
  const auto a1 = tracker.open(flow_a, 0, Direction::ToClient, "1");
  const auto a2 = tracker.open(flow_a, 1, Direction::ToClient, "2");
  EXPECT_EQ(tracker.open(flow_b, 0, Direction::ToClient, "3"), FileTracker::kNone);
  EXPECT_EQ(tracker.counters().refused_worker_limit, 1u);
  tracker.close(a1, true);
  tracker.release(a1, false);
  const auto a3 = tracker.open(flow_a, 2, Direction::ToClient, "3");
  EXPECT_NE(a3, FileTracker::kNone);
  tracker.release(a3, false);
  EXPECT_EQ(tracker.open(flow_a, 3, Direction::ToClient, "4"), FileTracker::kNone);
  EXPECT_EQ(tracker.counters().refused_flow_limit, 1u);
  tracker.append(a2, reinterpret_cast<const uint8_t*>("0123456789"), 10);
  EXPECT_EQ(tracker.counters().hash_limit, 0u) << "no hashes asked for";
  tracker.release(a2, false);

  FileTracker hashing({.hashes = file_hash::kMd5, .max_hash_bytes = 4, .magic_bytes = 0});
  uint32_t n = 0;
  const auto h = hashing.open(n, 0, Direction::ToClient, "big");
  hashing.append(h, reinterpret_cast<const uint8_t*>("0123456789"), 10);
  EXPECT_TRUE(hashing.close(h, true).md5.empty());
  EXPECT_EQ(hashing.counters().hash_limit, 1u);
  hashing.release(h, false);
}

TEST(FileTracker, StoreKeepsByContentOnce) {
  const std::string dir = ::testing::TempDir() + "/file_store_test";
  std::filesystem::remove_all(dir);
  FileStore store({dir, 1 << 20});
  ASSERT_TRUE(store.enabled());
  FileTracker tracker({.magic_bytes = 0}, &store);
  uint32_t n = 0;
  for (int i = 0; i < 2; ++i) {
    const auto h = tracker.open(n, i, Direction::ToClient, "x");
    tracker.append(h, reinterpret_cast<const uint8_t*>("hello"), 5);
    const std::string sha = tracker.close(h, true).sha256;
    EXPECT_TRUE(tracker.release(h, true));
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + sha.substr(0, 2) + "/" + sha));
  }
  EXPECT_EQ(store.counters().stored, 1u);
  EXPECT_EQ(store.counters().duplicates, 1u);
  FileStore small({dir, 3});
  FileTracker limited({.magic_bytes = 0}, &small);
  const auto h = limited.open(n, 0, Direction::ToClient, "y");
  limited.append(h, reinterpret_cast<const uint8_t*>("hello!"), 6);
  limited.close(h, true);
  EXPECT_FALSE(limited.release(h, true));
  EXPECT_EQ(small.counters().over_limit, 1u);
}

struct FileSink : HttpSink {
  std::vector<TrackedFile> files;
  void onRequest(const HttpTransaction&) override {}
  void onResponse(const HttpTransaction&) override {}
  void onFile(const HttpTransaction&, FileTracker& tracker, FileTracker::Handle h) override {
    files.push_back(tracker.file(h));
    tracker.release(h, false);
  }
};

TEST(HttpFiles, DownloadUploadAndRangeAreNamedAsSuricataNamesThem) {
  FileTracker tracker({.hashes = file_hash::kMd5});
  HttpParser p({}, &tracker);
  FileSink sink;
  test::feed(p, Direction::ToServer, "GET /dir/r.pdf?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", sink);
  test::feed(p, Direction::ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n%PDF-1.4", sink);
  test::feed(p, Direction::ToServer, "GET /b HTTP/1.1\r\nHost: a\r\n\r\n", sink);
  test::feed(p, Direction::ToClient,
             "HTTP/1.1 206 Partial\r\nContent-Disposition: attachment; filename=\"setup.exe\"\r\n"
             "Content-Range: bytes 10-13/100\r\nContent-Length: 4\r\n\r\nMZab",
             sink);
  const std::string body = "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"up.txt\"\r\n\r\nhello\r\n--XX--\r\n";
  test::feed(p, Direction::ToServer,
             "POST /u HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body,
             sink);
  test::feed(p, Direction::ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", sink);
  test::feed(p, Direction::ToServer, "GET /cut.zip HTTP/1.1\r\nHost: a\r\n\r\n", sink);
  test::feed(p, Direction::ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nPK", sink);
  p.onEnd(0, sink);

  ASSERT_EQ(sink.files.size(), 4u);
  EXPECT_EQ(sink.files[0].name, "/dir/r.pdf");
  EXPECT_EQ(sink.files[0].state, FileState::Closed);
  EXPECT_EQ(sink.files[0].md5, run("printf '%%PDF-1.4' | md5sum").substr(0, 32));
  EXPECT_EQ(sink.files[1].name, "setup.exe");
  EXPECT_EQ(sink.files[1].range_start.value_or(0), 10u);
  EXPECT_EQ(sink.files[1].range_end.value_or(0), 13u);
  EXPECT_EQ(sink.files[2].name, "up.txt");
  EXPECT_EQ(sink.files[2].dir, Direction::ToServer);
  EXPECT_EQ(sink.files[2].size, 5u);
  EXPECT_EQ(sink.files[2].tx_id, 2u);
  EXPECT_EQ(sink.files[3].name, "/cut.zip");
  EXPECT_EQ(sink.files[3].state, FileState::Truncated);
  EXPECT_EQ(sink.files[3].size, 2u);
  EXPECT_TRUE(sink.files[3].md5.empty());
}

// Count and sizes of the HTTP downloads of a corpus capture against what tshark's
// --export-objects http writes out.
TEST(HttpFiles, CorpusDownloadsAgreeWithTsharkExportObjects) {
  const std::string pcap = test::sharedDir() + "/corpus/suricata-verify/flowint-isnotset/input.pcap";
  const std::string dir = ::testing::TempDir() + "/export_objects";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  run("tshark -n -r '" + pcap + "' -q --export-objects http,'" + dir + "' 2>/dev/null");
  std::multiset<uint64_t> tshark;
  for (const auto& e : std::filesystem::directory_iterator(dir)) tshark.insert(std::filesystem::file_size(e.path()));
  ASSERT_GT(tshark.size(), 20u);

  struct Files : AppEventListener {
    std::multiset<uint64_t> sizes;
    void onAppEvent(Flow&, const AppRecord& r) override {
      if (r.event == AppEvent::FileLogged) sizes.insert(std::get<FileInfo>(r.body).file.size);
    }
  } files;
  AppParsers parsers({}, nullptr);
  parsers.addListener(&files);
  test::runCapture(pcap, parsers);

  size_t same = 0;
  std::multiset<uint64_t> left = files.sizes;
  for (uint64_t s : tshark) {
    if (auto it = left.find(s); it != left.end()) {
      left.erase(it);
      ++same;
    }
  }
  std::printf("files: mamori %zu, tshark %zu, same size %zu (%.1f%%)\n", files.sizes.size(), tshark.size(), same,
              100.0 * same / tshark.size());
  // On this capture tshark exports one JPEG response as five pieces (3.6 KB of its 25 KB)
  // and none of two others (68 KB, 70 KB) whose segments it does not reassemble; mamori
  // reports each of the three whole (CLOSED, libmagic says JPEG / PNG). The rest agree.
  EXPECT_NEAR(static_cast<double>(files.sizes.size()), static_cast<double>(tshark.size()), tshark.size() * 0.1);
  EXPECT_GE(same * 100, tshark.size() * 85);
}

}  // namespace
}  // namespace mamori

namespace mamori {
namespace {

// Mutated uploads and downloads, in pieces, with gaps: nothing crashes, every file the
// parser opened is reported once and given back, and the per-flow limit holds.
TEST(HttpFiles, RandomMutationsGiveEveryFileBack) {
  const std::string body = "--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a.bin\"\r\n\r\nAAAA\r\n"
                           "--B\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b.bin\"\r\n\r\nBBBB\r\n--B--\r\n";
  const std::string request = "POST /up HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body +
                              "PUT /put.txt HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                              "GET /r.pdf HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                            "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n%PDF-\r\n0\r\n\r\n";
  std::mt19937 rng(1414);
  auto mutate = [&](std::string s) {
    for (int e = 0, edits = static_cast<int>(rng() % 6); e < edits && !s.empty(); ++e) {
      const size_t at = rng() % s.size();
      switch (rng() % 4) {
        case 0: s[at] = static_cast<char>(rng()); break;
        case 1: s.insert(at, 1 + rng() % 20, static_cast<char>(rng())); break;
        case 2: s.erase(at, 1 + rng() % 20); break;
        default: s.insert(at, s.substr(rng() % s.size(), 1 + rng() % 40)); break;
      }
    }
    return s;
  };
  FileTracker tracker({.max_files_per_flow = 3, .hashes = file_hash::kSha256});
  std::vector<std::string> unmutated;
  for (int round = 0; round < 1000; ++round) {
    FileSink sink;
    {
      HttpParser p({}, &tracker);
      const std::string req = round ? mutate(request) : request, rep = round ? mutate(reply) : reply;
      const size_t step = 1 + rng() % 48;
      test::feed(p, Direction::ToServer, req, sink, step);
      for (size_t i = 0; i < rep.size(); i += step) {
        if (round && rng() % 40 == 0) p.onGap(Direction::ToClient, 1 + rng() % 10);
        test::feed(p, Direction::ToClient, rep.substr(i, step), sink);
      }
      p.onEnd(0, sink);
    }
    ASSERT_EQ(tracker.openFiles(), 0u) << "round " << round;
    ASSERT_LE(sink.files.size(), 3u);
    if (round == 0) {
      for (const TrackedFile& f : sink.files) unmutated.push_back(f.name + " " + std::to_string(f.size));
    }
  }
  // r.pdf, the flow's fourth file, is over its limit.
  EXPECT_EQ(unmutated, (std::vector<std::string>{"a.bin 4", "b.bin 4", "/put.txt 3"}));
  EXPECT_GT(tracker.counters().refused_flow_limit, 0u);
}

}  // namespace
}  // namespace mamori
