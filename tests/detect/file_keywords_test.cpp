// File keywords: how filename, fileext, filemagic, filesize, the hash lists and
// filestore parse, and what they match on a tracked file (PacketInspector::inspectFile on
// the File phase's buffers, as AppBufferBuilder makes them).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "detect/app_buffer_builder.h"
#include "detect/app_buffers.h"
#include "detect/packet_inspector.h"
#include "rules/rule_parser.h"
#include "tests/detect/detect_test_support.h"
#include "tests/detect/rule_set_builder.h"

namespace mamori {
namespace {

const std::string kHead = "alert http any any -> any any (";

std::string writeList(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

Rule parseOk(const std::string& options, const std::string& file = "k.rules") {
  RuleParser parser;
  RuleError error;
  std::optional<Rule> rule = parser.parseRule(kHead + options + " sid:1;)", file, 3, error);
  EXPECT_TRUE(rule.has_value()) << options << " -> " << error.toString();
  return rule ? std::move(*rule) : Rule{};
}

TEST(FileKeywords, ParseAsSuricataDefinesThem) {
  Rule r = parseOk("filename:\"Setup\"; fileext:!\"EXE\"; filemagic:\"PE32\";");
  ASSERT_EQ(r.app_buffers.size(), 2u);
  EXPECT_EQ(r.app_buffers[0].buffer, AppBufferId::FileName);
  const auto& name = std::get<ContentMatch>(r.app_buffers[0].matches[0]);
  EXPECT_TRUE(name.nocase);
  const auto& ext = std::get<ContentMatch>(r.app_buffers[0].matches[1]);
  EXPECT_EQ(ext.bytes, ".EXE");
  EXPECT_TRUE(ext.negated && ext.endswith && ext.nocase);
  EXPECT_EQ(r.app_buffers[1].buffer, AppBufferId::FileMagic);

  Rule sizes = parseOk("filesize:>1KB; filesize:2MB<>3MB; filesize:100;");
  ASSERT_EQ(sizes.files.sizes.size(), 3u);
  EXPECT_EQ(sizes.files.sizes[0].a, 1024u);
  EXPECT_EQ(sizes.files.sizes[1].a, 2u << 20);
  EXPECT_EQ(sizes.files.sizes[1].b, 3u << 20);
  EXPECT_EQ(sizes.files.sizes[2].a, 100u);

  Rule store = parseOk("filestore:response,tx;");
  ASSERT_TRUE(store.files.store);
  EXPECT_EQ(store.files.store->direction, FileStoreAction::Direction::ToClient);
  EXPECT_EQ(store.files.store->scope, FileStoreAction::Scope::Tx);
  EXPECT_TRUE(parseOk("file.name; content:\"a\"; file.magic; content:\"b\";").app_buffers.size() == 2);
}

TEST(FileKeywords, HashListsLoadRelativeToTheRuleFile) {
  const std::string dir = ::testing::TempDir() + "/hash_lists";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/md5.list") << "# bad files\n\n2F8D0355F0032C3E6311C6408D7C2DC2  util-path.c\nb9cf5cf347a70e02fde975fc4e117760\n";
  Rule r = parseOk("filemd5:md5.list;", dir + "/local.rules");
  ASSERT_EQ(r.files.hashes.size(), 1u);
  EXPECT_EQ(r.files.hashes[0].list->size(), 2u);
  EXPECT_TRUE(r.files.hashes[0].list->contains("2f8d0355f0032c3e6311c6408d7c2dc2"));
  EXPECT_FALSE(r.files.hashes[0].list->contains("00000000000000000000000000000000"));

  std::ofstream(dir + "/bad.list") << "b9cf5cf347a70e02fde975fc4e117760\nnot-a-hash\n";
  RuleParser parser;
  RuleError e;
  EXPECT_FALSE(parser.parseRule(kHead + "filemd5:bad.list; sid:2;)", dir + "/local.rules", 1, e));
  EXPECT_NE(e.toString().find("bad.list:2:"), std::string::npos) << e.toString();
  EXPECT_FALSE(parser.parseRule(kHead + "filesha256:md5.list; sid:3;)", dir + "/local.rules", 1, e));
  EXPECT_NE(e.toString().find("md5.list:3:"), std::string::npos) << e.toString();
  EXPECT_FALSE(parser.parseRule(kHead + "filesha1:missing.list; sid:4;)", dir + "/local.rules", 1, e));
  EXPECT_NE(e.toString().find("missing.list:0:"), std::string::npos) << e.toString();
}

TEST(FileKeywords, Refusals) {
  test::expectRefusals(kHead, {
      {"fileext:\".pdf\";", "\".pdf", "without its '.'"},
      {"filesize:big;", "big", "invalid filesize"},
      {"filestore:sideways;", "sideways", "invalid filestore direction"},
      {"filestore:both,forever;", "forever", "invalid filestore scope"},
      {"filestore; filestore;", "filestore;", "given twice"},
  });
  // Files come with HTTP transactions: a file rule with another protocol's buffer, or
  // as a '=>' rule, has no phase.
  std::string error;
  EXPECT_FALSE(appPhaseOf(parseOk("dns.query; content:\"a\"; filename:\"x\";"), error));
  EXPECT_NE(error.find("dns.query"), std::string::npos);
  EXPECT_EQ(appPhaseOf(parseOk("http.uri; content:\"a\"; filesize:>1;"), error), AppPhase::File);
}

class FileMatchTest : public test::InspectorTest {
 protected:
  // Inspects `file` as the File phase does; returns the sids and whether a filestore
  // rule asked to keep it.
  std::pair<test::Sids, bool> inspect(const TrackedFile& file) {
    AppRecord record;
    record.event = AppEvent::FileDone;
    record.dir = file.dir;
    HttpTransaction tx;
    tx.method = "GET";
    tx.uri = tx.uri_raw = "/dl";
    tx.status = 200;
    record.body = FileInfo{file, tx, nullptr};
    AppBufferBuilder builder;
    EXPECT_EQ(builder.build(record), AppPhase::File);
    const bool to_server = file.dir == Direction::ToServer;
    DecodedPacket pkt = test::clientServerPacket(to_server);
    FlowContext flow{7, to_server, true, {3, 3}, {100, 100}, &pool_, &handle_};
    flow.app_proto = "http";
    sink_.sids.clear();
    const bool store = inspector_->inspectFile(pkt, flow, builder.buffers(), std::get<FileInfo>(record.body).file, sink_);
    return {sink_.sids, store};
  }
  uint32_t handle_ = 0;
  test::CollectingSink sink_;
};

TEST_F(FileMatchTest, NameExtensionMagicSizeAndHashes) {
  const std::string md5 = writeList("match.md5", "0cc175b9c0f1b6a831c399e269772661\n");
  load("alert http any any -> any any (fileext:\"PDF\"; sid:1;)\n"
       "alert http any any -> any any (fileext:\"pd\"; sid:2;)\n"
       "alert http any any -> any any (filename:!\"tar.gz\"; sid:3;)\n"
       "alert http any any -> any any (filemagic:\"pdf document\"; sid:4;)\n"
       "alert http any any -> any any (filesize:<2KB; sid:5;)\n"
       "alert http any any -> any any (filesize:>10; sid:6;)\n"
       "alert http any any -> any any (filemd5:" + md5 + "; sid:7;)\n"
       "alert http any any -> any any (filemd5:!" + md5 + "; sid:8;)\n"
       "alert http any any -> any any (flow:to_server; fileext:\"pdf\"; sid:9;)\n"
       "alert http any any -> any any (http.method; content:\"GET\"; file.name; content:\"/r.\"; sid:10;)\n"
       "alert http any any -> any any (filestore:request; fileext:\"pdf\"; sid:11;)\n"
       "alert http any any -> any any (filestore; fileext:\"pdf\"; sid:12;)\n");
  TrackedFile f;
  f.name = "/docs/r.pdf";
  f.size = 1000;
  f.state = FileState::Closed;
  f.magic = "PDF document, version 1.4";
  f.md5 = "0cc175b9c0f1b6a831c399e269772661";
  auto [sids, store] = inspect(f);
  EXPECT_EQ(sids, (test::Sids{1, 3, 4, 5, 6, 7, 10, 11, 12}));
  EXPECT_TRUE(store);

  // Cut short: only '>' can hold, and no hash.
  f.state = FileState::Truncated;
  f.md5.clear();
  f.dir = Direction::ToServer;
  std::tie(sids, store) = inspect(f);
  EXPECT_EQ(sids, (test::Sids{1, 3, 4, 6, 9, 10, 11, 12}));
}

}  // namespace
}  // namespace mamori
