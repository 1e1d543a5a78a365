#include "alerting/eve_file_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_support.h"

namespace mamori {
namespace {

TEST(EveFileWriter, WritesOneLinePerRecordAndFlushesOnDestruction) {
  std::string path = test::tempDir() + "/eve.json";
  {
    EveFileWriter w(path);
    w.publish(EventKind::Alert, R"({"event_type":"alert"})");
    w.publish(EventKind::Flow, R"({"event_type":"flow"})");
    // Buffered: nothing reaches the file before a flush.
    EXPECT_EQ(test::readFile(path), "");
    w.flush();
    EXPECT_EQ(test::readFile(path), "{\"event_type\":\"alert\"}\n{\"event_type\":\"flow\"}\n");
    w.publish(EventKind::Stats, R"({"event_type":"stats"})");
  }
  EXPECT_EQ(test::readFile(path),
            "{\"event_type\":\"alert\"}\n{\"event_type\":\"flow\"}\n{\"event_type\":\"stats\"}\n");
}

TEST(EveFileWriter, AppendsByDefaultAndTruncatesWhenAsked) {
  std::string path = test::tempDir() + "/eve.json";
  { EveFileWriter(path).publish(EventKind::Alert, "{\"n\":1}"); }
  { EveFileWriter(path).publish(EventKind::Alert, "{\"n\":2}"); }
  EXPECT_EQ(test::readFile(path), "{\"n\":1}\n{\"n\":2}\n");
  { EveFileWriter(path, EveFileWriter::Mode::Truncate).publish(EventKind::Alert, "{\"n\":3}"); }
  EXPECT_EQ(test::readFile(path), "{\"n\":3}\n");
}

TEST(EveFileWriter, KeepsOrderAcrossBufferFillsAndOversizedRecords) {
  std::string path = test::tempDir() + "/eve.json";
  std::string expected;
  {
    EveFileWriter w(path);
    for (int i = 0; i < 30000; ++i) {
      std::string line = "{\"seq\":" + std::to_string(i) + ",\"pad\":\"" +
                         std::string(i % 97, 'x') + "\"}";
      if (i == 12345) line = "{\"big\":\"" + std::string(3 << 20, 'y') + "\"}";
      w.publish(EventKind::Flow, line);
      expected += line + "\n";
    }
  }
  std::string got = test::readFile(path);
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected);
}

TEST(EveFileWriter, OpenFailureNamesThePath) {
  std::string path = test::tempDir() + "/no/such/dir/eve.json";
  try {
    EveFileWriter w(path);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(EveFileWriter, DashWritesToStdout) {
  testing::internal::CaptureStdout();
  {
    EveFileWriter w("-");
    w.publish(EventKind::Incident, R"({"event_type":"incident"})");
  }
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "{\"event_type\":\"incident\"}\n");
}

}  // namespace
}  // namespace mamori
