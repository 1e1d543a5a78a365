// EVE fileinfo records as Suricata writes them: the files of a corpus capture's HTTP
// downloads, formatted, each validated against Suricata's own EVE schema with
// python3-jsonschema.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <rapidjson/document.h>

#include "alerting/eve_formatter.h"
#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

// What python3-jsonschema says of each line of `path` against the EVE schema: "" when
// every line validates.
std::string schemaErrors(const std::string& path) {
  const std::string script =
      "import json,sys,jsonschema\n"
      "s=json.load(open(sys.argv[1]))\n"
      "v=jsonschema.Draft7Validator(s)\n"
      "for n,l in enumerate(open(sys.argv[2]),1):\n"
      "  for e in v.iter_errors(json.loads(l)): print(n, list(e.path), e.message)\n";
  const std::string script_path = ::testing::TempDir() + "/validate_eve.py";
  std::ofstream(script_path) << script;
  const std::string cmd = "python3 '" + script_path + "' '" + test::sharedDir() + "/schema/suricata-eve-schema.json' '" +
                          path + "' 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p) pclose(p);
  return out;
}

struct FileRecords : AppEventListener {
  EveFormatter eve{"sensor-1"};
  std::vector<std::string> lines;
  void onAppEvent(Flow&, const AppRecord& r) override {
    if (r.event == AppEvent::FileLogged) lines.push_back(eve.formatApp(r));
  }
};

TEST(FileinfoRecord, CorpusDownloadValidatesAgainstSuricatasSchema) {
  AppParsers::Config config;
  config.file_limits.hashes = file_hash::kMd5 | file_hash::kSha1 | file_hash::kSha256;
  AppParsers parsers(config, nullptr);
  FileRecords records;
  parsers.addListener(&records);
  test::runCapture(test::sharedDir() + "/corpus/suricata-verify/fileext-01/input.pcap", parsers);
  ASSERT_EQ(records.lines.size(), 1u);

  rapidjson::Document d;
  d.Parse(records.lines[0].c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["event_type"].GetString(), "fileinfo");
  EXPECT_STREQ(d["src_ip"].GetString(), "37.187.126.138") << "a download goes from the server";
  EXPECT_STREQ(d["http"]["url"].GetString(), "/~regit/r.pdf");
  const auto& f = d["fileinfo"];
  EXPECT_STREQ(f["filename"].GetString(), "/~regit/r.pdf");
  EXPECT_STREQ(f["state"].GetString(), "CLOSED");
  EXPECT_FALSE(f["gaps"].GetBool());
  EXPECT_FALSE(f["stored"].GetBool());
  EXPECT_EQ(f["size"].GetUint64(), 12419u);  // tshark's http.content_length of the response
  EXPECT_EQ(f["tx_id"].GetUint64(), 0u);
  EXPECT_EQ(std::string(f["magic"].GetString()).rfind("PDF document", 0), 0u);
  EXPECT_EQ(std::string(f["md5"].GetString()).size(), 32u);
  EXPECT_EQ(std::string(f["sha1"].GetString()).size(), 40u);
  EXPECT_EQ(std::string(f["sha256"].GetString()).size(), 64u);

  // And a record of every optional field: a stored range part, an upload cut short.
  AppRecord r;
  r.event = AppEvent::FileLogged;
  r.proto = 6;
  TrackedFile part;
  part.name = "setup.exe";
  part.state = FileState::Closed;
  part.size = 4;
  part.stored = true;
  part.file_id = 7;
  part.range_start = 10;
  part.range_end = 13;
  part.sha256 = std::string(64, 'a');
  r.body = FileInfo{part, HttpTransaction{}, nullptr};
  records.lines.push_back(records.eve.formatApp(r));
  TrackedFile upload;
  upload.dir = Direction::ToServer;
  upload.name = "up.txt";
  upload.state = FileState::Truncated;
  upload.gaps = true;
  r.body = FileInfo{upload, std::nullopt, nullptr};
  records.lines.push_back(records.eve.formatApp(r));

  const std::string path = ::testing::TempDir() + "/fileinfo.json";
  std::ofstream out(path);
  for (const std::string& line : records.lines) out << line << "\n";
  out.close();
  EXPECT_EQ(schemaErrors(path), "");
}

// HTTP/2 streams' bodies (DoH answers over prior-knowledge h2): app_proto http2, the stream's
// http object with its http.http2, as Suricata 8 writes them and its schema allows.
TEST(FileinfoRecord, Http2StreamFilesValidateAgainstSuricatasSchema) {
  AppParsers::Config config;
  config.file_limits.hashes = file_hash::kMd5;
  AppParsers parsers(config, nullptr);
  FileRecords records;
  parsers.addListener(&records);
  test::runCapture(test::sharedDir() + "/corpus/suricata-verify/dns-over-http2-progress/input.pcap", parsers);
  ASSERT_GE(records.lines.size(), 3u);
  for (const std::string& line : records.lines) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    ASSERT_FALSE(d.HasParseError()) << line;
    EXPECT_STREQ(d["app_proto"].GetString(), "http2") << line;
    EXPECT_TRUE(d["http"]["http2"]["stream_id"].IsUint()) << line;
    EXPECT_STREQ(d["fileinfo"]["filename"].GetString(), "/dns-query") << line;
  }
  const std::string path = ::testing::TempDir() + "/fileinfo_http2.json";
  std::ofstream out(path);
  for (const std::string& line : records.lines) out << line << "\n";
  out.close();
  EXPECT_EQ(schemaErrors(path), "");
}

}  // namespace
}  // namespace mamori
