// `mamori keys generate` as an operator runs it: two files, the secret one private, never
// an overwrite, and never a key on the terminal.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <climits>
#include <filesystem>
#include <fstream>

#include "auth/curve_key.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

CommandResult generate(const std::string& args) { return run(mamoriBinary() + " keys generate " + args + " 2>&1"); }

TEST(KeysCommand, WritesAPrivatePairAndPrintsItsFingerprintButNoKey) {
  const std::string dir = tempDir() + "/keys";
  CommandResult r = generate("--out '" + dir + "' --name siem");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  CurveKeyPair pair = readSecretKeyFile(dir + "/siem.key");
  EXPECT_EQ(pair.name, "siem");
  EXPECT_EQ(readKeyFile(dir + "/siem.pub").public_key, pair.public_key);
  EXPECT_EQ(modeOf(dir + "/siem.key"), 0600u);
  EXPECT_EQ(modeOf(dir + "/siem.pub"), 0644u);
  EXPECT_EQ(modeOf(dir), 0700u);

  EXPECT_NE(r.out.find(dir + "/siem.key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(dir + "/siem.pub"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(keyFingerprint(pair.public_key)), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(pair.public_key), std::string::npos) << "the public key was printed";
  EXPECT_EQ(r.out.find(pair.secret_key), std::string::npos) << "the secret key was printed";
}

TEST(KeysCommand, NameDefaultsToTheHostName) {
  char host[HOST_NAME_MAX + 1] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  const std::string dir = tempDir();
  CommandResult r = generate("--out '" + dir + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(readSecretKeyFile(dir + "/" + host + ".key").name, host);
}

TEST(KeysCommand, NeverOverwritesAKey) {
  const std::string dir = tempDir();
  ASSERT_EQ(generate("--out '" + dir + "' --name sensor").exit_code, 0);
  const std::string key_before = readFile(dir + "/sensor.key");
  const std::string pub_before = readFile(dir + "/sensor.pub");

  CommandResult again = generate("--out '" + dir + "' --name sensor");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.out.find(dir + "/sensor.key already exists"), std::string::npos) << again.out;
  EXPECT_EQ(readFile(dir + "/sensor.key"), key_before);
  EXPECT_EQ(readFile(dir + "/sensor.pub"), pub_before);
  EXPECT_EQ(again.out.find(readSecretKeyFile(dir + "/sensor.key").secret_key), std::string::npos);
}

TEST(KeysCommand, UnwritableFolderExitsOneNamingIt) {
  const std::string dir = tempDir();
  std::ofstream(dir + "/file") << "a file, not a folder";
  CommandResult r = generate("--out '" + dir + "/file/keys' --name x");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("mamori keys generate: " + dir + "/file"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir + "/file/keys"));
}

}  // namespace
}  // namespace mamori::test
