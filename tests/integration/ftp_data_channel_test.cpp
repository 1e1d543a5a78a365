// An FTP download end to end (mamori run on nDPI's ftp.pcap, several workers): the control
// connection's PASV announces the data connection, which is found on its worker, parsed as
// ftp-data and its bytes filed: the file's record, the ftp_data record, the ftp keywords, a
// filestore rule keeping the file, and the stats of the announcement.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(FtpDataChannel, ADownloadIsAFileOfTheFtpDataConnection) {
  MAMORI_REQUIRE_SHARED();
  const std::string dir = tempDir();
  std::ofstream(dir + "/ftp.rules")
      << "alert ftp any any -> any any (msg:\"passive\"; ftp.mode:passive; ftp.dynamic_port:24523; sid:1;)\n"
         "alert ftp any any -> any any (msg:\"retr\"; ftp.command; content:\"RETR\"; ftp.command_data; content:\"1MB\"; sid:2;)\n"
         "alert ftp-data any any -> any any (msg:\"retr data\"; ftpdata_command:retr; sid:3;)\n"
         "alert ftp-data any any -> any any (msg:\"keep\"; filename:\"1MB.zip\"; filesize:1MB; filestore; sid:4;)\n"
         "alert ftp-data any any -> any any (msg:\"stor\"; ftpdata_command:stor; sid:5;)\n";
  std::ofstream(dir + "/sensor.yaml") << "files:\n  hashes: [sha256]\n  store:\n    dir: " << dir << "/store\n";
  ASSERT_EQ(runMamori(sharedDir() + "/corpus/ndpi/ftp.pcap", dir + "/eve.json",
                      "--workers 3 --rules '" + dir + "/ftp.rules' --config '" + dir + "/sensor.yaml'"),
            0);
  const EveLog log = EveLog::load(dir + "/eve.json");
  std::map<int64_t, int> alerts;
  for (const auto* a : log.ofType("alert")) ++alerts[EveLog::number(*a, "alert.signature_id")];
  EXPECT_EQ(alerts, (std::map<int64_t, int>{{1, 1}, {2, 1}, {3, 1}, {4, 1}}));

  const auto files = log.ofType("fileinfo");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(EveLog::string(*files[0], "app_proto"), "ftp-data");
  EXPECT_EQ(EveLog::string(*files[0], "fileinfo.filename"), "1MB.zip");
  EXPECT_EQ(EveLog::number(*files[0], "fileinfo.size"), 1048576);
  EXPECT_EQ(EveLog::string(*files[0], "fileinfo.state"), "CLOSED");
  EXPECT_EQ(EveLog::number(*files[0], "src_port"), 24523) << "a download's record comes from the server";
  const std::string sha = EveLog::string(*files[0], "fileinfo.sha256");
  ASSERT_EQ(sha.size(), 64u);
  EXPECT_TRUE(std::filesystem::exists(dir + "/store/" + sha.substr(0, 2) + "/" + sha)) << "kept by filestore";

  const auto data = log.ofType("ftp_data");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(EveLog::string(*data[0], "ftp_data.filename"), "1MB.zip");
  EXPECT_EQ(EveLog::string(*data[0], "ftp_data.command"), "RETR");
  EXPECT_EQ(log.ofType("ftp").size(), 17u) << "the greeting and 16 commands";
  for (const auto* flow : log.ofType("flow")) {
    if (EveLog::number(*flow, "dest_port") == 24523) EXPECT_EQ(EveLog::string(*flow, "app_proto"), "ftp-data");
  }
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(EveLog::number(*stats, "stats.app_layer.expectations.created"), 1);
  EXPECT_EQ(EveLog::number(*stats, "stats.app_layer.expectations.matched"), 1);
  EXPECT_EQ(EveLog::number(*stats, "stats.app_layer.tx.ftp-data"), 1);
}

}  // namespace
}  // namespace mamori::test
