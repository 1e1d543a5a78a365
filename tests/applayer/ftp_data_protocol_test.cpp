#include "applayer/ftp_data_protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

// Records, and the file the parser writes through the file seam.
struct FileSink final : ProtocolSink {
  void emit(Direction dir, const ProtocolTransaction& tx) override { records.emit(dir, tx); }
  void malformed() override { records.malformed(); }
  int32_t openFile(Direction dir, uint64_t, std::string_view name) override {
    opened_dir = dir;
    this->name = name;
    return 0;
  }
  void appendFile(int32_t, const uint8_t* data, size_t len) override { bytes.append(reinterpret_cast<const char*>(data), len); }
  void closeFile(int32_t, bool complete, const AppLayerEventSet&) override {
    closed = true;
    this->complete = complete;
  }
  test::ProtocolRecords records;
  Direction opened_dir = Direction::ToServer;
  std::string name, bytes;
  bool closed = false, complete = false;
};

void send(AppProtocolParser& p, Direction dir, const std::string& s, ProtocolSink& sink) {
  p.onData(dir, reinterpret_cast<const uint8_t*>(s.data()), s.size(), sink);
}

TEST(FtpDataProtocol, APassiveDownloadIsAFileToTheClient) {
  auto p = FtpDataProtocol().newParser(AppProtocol::kTcp, nullptr);
  FileSink sink;
  p->onExpected({"RETR pub/1MB.zip", true});
  send(*p, Direction::ToServer, "ignored", sink);
  send(*p, Direction::ToClient, "PK\x03\x04", sink);
  send(*p, Direction::ToClient, "rest", sink);
  p->onEnd(sink);
  EXPECT_EQ(sink.opened_dir, Direction::ToClient);
  EXPECT_EQ(sink.name, "pub/1MB.zip");
  EXPECT_EQ(sink.bytes, "PK\x03\x04rest");
  EXPECT_TRUE(sink.closed && sink.complete);
  ASSERT_EQ(sink.records.dirs.size(), 1u);
  EXPECT_TRUE(sink.records.logged[0]);
  const auto eve = sink.records.json(0);
  EXPECT_STREQ(eve["filename"].GetString(), "pub/1MB.zip");
  EXPECT_STREQ(eve["command"].GetString(), "RETR");
  ASSERT_EQ(sink.records.fields[0].size(), 1u);
  EXPECT_EQ(sink.records.fields[0][0].first, "ftpdata_command");
  test::expectEveObjectsMatchSchema("ftp_data", sink.records.eve);
}

TEST(FtpDataProtocol, AnActiveUploadGoesToTheDataConnectionsClient) {
  auto p = FtpDataProtocol().newParser(AppProtocol::kTcp, nullptr);
  FileSink sink;
  // Active mode: the control connection's server opened this one, so its client is
  // the control server, which a STOR sends to.
  p->onExpected({"stor report.txt", false});
  send(*p, Direction::ToClient, "data", sink);
  p->onGap(Direction::ToClient);
  p->onEnd(sink);
  EXPECT_EQ(sink.opened_dir, Direction::ToClient);
  EXPECT_EQ(sink.bytes, "data");
  EXPECT_FALSE(sink.complete) << "a hole: truncated";
}

TEST(FtpDataProtocol, WithoutAnAnnouncementNothingIsFiledOrLogged) {
  auto p = FtpDataProtocol().newParser(AppProtocol::kTcp, nullptr);
  FileSink sink;
  send(*p, Direction::ToClient, "drwxr-xr-x 2 ftp ftp 4096 pub\r\n", sink);
  p->onEnd(sink);
  EXPECT_FALSE(sink.closed);
  EXPECT_TRUE(sink.records.dirs.empty());
}

}  // namespace
}  // namespace mamori
