// RuleSetPackage: what a rule author pushes, the central keeps and a sensor runs after a
// restart. Real files in the test's own folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/test_support.h"
#include "uplink/rule_set_package.h"

namespace mamori {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

TEST(RuleSetPackage, ReadsFilesAndFoldersSortedByName) {
  const fs::path dir = test::tempDir();
  fs::create_directories(dir / "set");
  write(dir / "set" / "b.rules", "alert ip any any -> any any (msg:\"b\"; sid:2;)\n");
  write(dir / "set" / "a.rules", "alert ip any any -> any any (msg:\"a\"; sid:1;)\n");
  write(dir / "set" / "notes.txt", "not a rule file");
  write(dir / "extra.yaml", "title: x\n");
  RuleSetPackage p = RuleSetPackage::fromPaths({(dir / "set").string(), (dir / "extra.yaml").string()});
  ASSERT_EQ(p.files.size(), 3u);
  EXPECT_EQ(p.files[0].name, "a.rules");
  EXPECT_EQ(p.files[1].name, "b.rules");
  EXPECT_EQ(p.files[2].name, "extra.yaml");
  EXPECT_EQ(p.files[0].text, "alert ip any any -> any any (msg:\"a\"; sid:1;)\n");
  EXPECT_EQ(p.validate(), "");
}

TEST(RuleSetPackage, RefusesMissingPathsRepeatedNamesAndOtherFiles) {
  const fs::path dir = test::tempDir();
  fs::create_directories(dir / "one");
  fs::create_directories(dir / "two");
  write(dir / "one" / "x.rules", "");
  write(dir / "two" / "x.rules", "");
  write(dir / "readme.txt", "");
  EXPECT_THROW(RuleSetPackage::fromPaths({(dir / "missing.rules").string()}), RuleSetPackageError);
  EXPECT_THROW(RuleSetPackage::fromPaths({(dir / "one").string(), (dir / "two").string()}), RuleSetPackageError);
  EXPECT_THROW(RuleSetPackage::fromPaths({(dir / "readme.txt").string()}), RuleSetPackageError);
  fs::create_directories(dir / "empty");
  EXPECT_THROW(RuleSetPackage::fromPaths({(dir / "empty").string()}), RuleSetPackageError);
}

TEST(RuleSetPackage, ValidateRefusesWhatAHostilePeerCouldSend) {
  RuleSetPackage p;
  EXPECT_NE(p.validate(), "") << "no files";
  p.files = {{"../etc/passwd.rules", ""}};
  EXPECT_NE(p.validate(), "") << "a path, not a name";
  p.files = {{"sub/x.rules", ""}};
  EXPECT_NE(p.validate(), "");
  p.files = {{".hidden.rules", ""}};
  EXPECT_NE(p.validate(), "");
  p.files = {{"x.sh", ""}};
  EXPECT_NE(p.validate(), "") << "only .rules, .yaml, .yml";
  p.files = {{"b.rules", ""}, {"a.rules", ""}};
  EXPECT_NE(p.validate(), "") << "unsorted";
  p.files = {{"a.rules", ""}, {"a.rules", ""}};
  EXPECT_NE(p.validate(), "") << "repeated";
  p.files = {{"a.rules", std::string(RuleSetPackage::kMaxBytes + 1, 'x')}};
  EXPECT_NE(p.validate(), "") << "too large";
  p.files = {{"a.rules", "x"}};
  p.version = "not-a-version";
  EXPECT_NE(p.validate(), "");
  p.version = "3-0123456789ab";
  EXPECT_EQ(p.validate(), "");
}

TEST(RuleSetPackage, HashFollowsContentAndVersionsCarryTheSequence) {
  RuleSetPackage a;
  a.files = {{"a.rules", "alert"}, {"b.rules", "x"}};
  RuleSetPackage b = a;
  EXPECT_EQ(a.contentHash(), b.contentHash());
  EXPECT_EQ(a.contentHash().size(), 64u);
  b.files[1].text = "y";
  EXPECT_NE(a.contentHash(), b.contentHash());
  // Moving a byte from one file to the next changes the hash: names and texts are length-prefixed.
  RuleSetPackage c;
  c.files = {{"a.rules", "alertx"}, {"b.rules", ""}};
  EXPECT_NE(a.contentHash(), c.contentHash());
  b.comment = "comments are not content";
  b.files[1].text = "x";
  EXPECT_EQ(a.contentHash(), b.contentHash());

  const std::string v = RuleSetPackage::makeVersion(42, a.contentHash());
  EXPECT_EQ(v, "42-" + a.contentHash().substr(0, 12));
  EXPECT_EQ(RuleSetPackage::versionSequence(v), 42u);
  EXPECT_EQ(RuleSetPackage::versionSequence(""), 0u);
  EXPECT_EQ(RuleSetPackage::versionSequence("42"), 0u);
  EXPECT_EQ(RuleSetPackage::versionSequence("x-0123456789ab"), 0u);
}

TEST(RuleSetPackage, KeptAsCurrentAndLoadedBackKeepingTheNewestVersions) {
  const std::string dir = test::tempDir() + "/kept";
  EXPECT_TRUE(RuleSetPackage::loadCurrent(dir).version.empty()) << "nothing kept yet";
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    RuleSetPackage p;
    p.files = {{"extra.yaml", "# yaml\n"},
               {"set.rules", "alert ip any any -> any any (msg:\"v" + std::to_string(seq) + "\"; sid:1;)\n"}};
    p.comment = "push " + std::to_string(seq);
    p.version = RuleSetPackage::makeVersion(seq, p.contentHash());
    p.saveAsCurrent(dir, 3);
    RuleSetPackage back = RuleSetPackage::loadCurrent(dir);
    EXPECT_EQ(back.version, p.version);
    EXPECT_EQ(back.comment, p.comment);
    ASSERT_EQ(back.files.size(), 2u);
    EXPECT_EQ(back.files[0].name, "extra.yaml");
    EXPECT_EQ(back.files[1].text, p.files[1].text);
  }
  size_t versions = 0;
  for (const auto& e : fs::directory_iterator(dir)) versions += e.is_directory() && RuleSetPackage::versionSequence(e.path().filename()) > 0;
  EXPECT_EQ(versions, 3u) << "older versions beyond three are removed";
}

TEST(RuleSetPackage, ACurrentPointingNowhereIsAnError) {
  const std::string dir = test::tempDir();
  write(fs::path(dir) / "current", "7-0123456789ab\n");
  EXPECT_THROW(RuleSetPackage::loadCurrent(dir), RuleSetPackageError);
  write(fs::path(dir) / "current", "garbage\n");
  EXPECT_THROW(RuleSetPackage::loadCurrent(dir), RuleSetPackageError);
}

}  // namespace
}  // namespace mamori
