// The accounts file as the operator and the console use it: passwords kept only as argon2id
// hashes and tokens only as digests, in a private file that survives a round trip with its
// comments, read back strictly.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "console/account_file.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

namespace fs = std::filesystem;
using test::readFile;
using test::tempDir;

constexpr const char* kDigest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

void writeText(const std::string& path, const std::string& text, mode_t mode = 0600) {
  std::ofstream(path, std::ios::binary) << text;
  ::chmod(path.c_str(), mode);
}

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// The message of the exception of type E that `f` throws; fails the test when it throws none.
template <typename E, typename F>
std::string errorOf(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return "";
}

TEST(AccountFile, UsersAndTokensRoundTripThroughThePrivateFile) {
  const std::string path = tempDir() + "/accounts";
  AccountFile file = AccountFile::load(path);  // missing: empty, made by save()
  EXPECT_TRUE(file.users().empty());
  file.addUser("alice", Role::Analyst, "correct horse battery");
  file.addUser("bob.smith@soc", Role::Viewer, "staple-staple");
  std::string token = file.addToken("soar", Role::Analyst);
  file.save();

  EXPECT_EQ(modeOf(path), 0600u);
  // Only the file itself: the new file it was written as was renamed, not left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(tempDir()), fs::directory_iterator()), 1);
  std::string text = readFile(path);
  EXPECT_NE(text.find("user alice analyst $argon2id$v=19$"), std::string::npos) << text;
  EXPECT_NE(text.find("user bob.smith@soc viewer $argon2id$v=19$"), std::string::npos) << text;
  EXPECT_EQ(text.find("correct horse"), std::string::npos);
  EXPECT_EQ(text.find(token.substr(AccountFile::kTokenPrefix.size())), std::string::npos);
  ASSERT_EQ(token.size(), AccountFile::kTokenPrefix.size() + 64);
  EXPECT_TRUE(token.starts_with("mamori_"));

  AccountFile read = AccountFile::load(path);
  auto alice = read.verifyPassword("alice", "correct horse battery");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->role, Role::Analyst);
  EXPECT_FALSE(alice->token);
  EXPECT_FALSE(read.verifyPassword("alice", "correct horse batterY"));
  EXPECT_FALSE(read.verifyPassword("alice", "staple-staple"));  // bob's
  auto bob = read.verifyPassword("bob.smith@soc", "staple-staple");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->role, Role::Viewer);
  EXPECT_FALSE(read.verifyPassword("carol", "correct horse battery"));
  EXPECT_FALSE(read.verifyPassword("alice", std::string(AccountFile::kMaxPassword + 1, 'x')));
  EXPECT_TRUE(read.hasUser("alice"));
  EXPECT_FALSE(read.hasUser("soar"));  // a token is not an account

  auto soar = read.verifyToken(token);
  ASSERT_TRUE(soar);
  EXPECT_EQ(soar->name, "soar");
  EXPECT_EQ(soar->role, Role::Analyst);
  EXPECT_TRUE(soar->token);
  std::string other = token;
  other.back() = other.back() == '0' ? '1' : '0';
  EXPECT_FALSE(read.verifyToken(other));
  EXPECT_FALSE(read.verifyToken(token.substr(AccountFile::kTokenPrefix.size())));
  EXPECT_FALSE(read.verifyToken(""));
  std::string upper = token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(read.verifyToken(upper));

  ASSERT_EQ(read.users().size(), 2u);
  EXPECT_EQ(read.users()[1].name, "bob.smith@soc");
  ASSERT_EQ(read.tokens().size(), 1u);
  EXPECT_EQ(read.tokens()[0].name, "soar");

  read.removeToken("soar");
  read.save();
  EXPECT_FALSE(AccountFile::load(path).verifyToken(token));
  EXPECT_EQ(modeOf(path), 0600u);
}

TEST(AccountFile, ANewPasswordReplacesTheOldAndTellsWhoseSessionsEnd) {
  const std::string path = tempDir() + "/accounts";
  AccountFile before = AccountFile::load(path);
  before.addUser("alice", Role::Analyst, "first password");
  before.addUser("bob", Role::Viewer, "bobs password");
  before.addUser("carol", Role::Analyst, "carols password");
  before.save();

  AccountFile after = AccountFile::load(path);
  after.setPassword("alice", "second password");
  after.removeUser("bob");
  EXPECT_FALSE(after.verifyPassword("alice", "first password"));
  EXPECT_TRUE(after.verifyPassword("alice", "second password"));
  EXPECT_EQ(before.usersChangedIn(after), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_TRUE(before.usersChangedIn(before).empty());

  // A role changed by hand (the commands have none for it) ends the sessions too.
  after.save();
  std::string text = readFile(path);
  text.replace(text.find("user carol analyst"), 18, "user carol viewer");
  writeText(path, text);
  EXPECT_EQ(after.usersChangedIn(AccountFile::load(path)), std::vector<std::string>{"carol"});
}

TEST(AccountFile, CommentsAndBlankLinesSurviveASave) {
  const std::string path = tempDir() + "/accounts";
  writeText(path, std::string("# the SOC's console\n\n# scripts\ntoken soar viewer ") + kDigest + "\n# end\n");
  AccountFile file = AccountFile::load(path);
  file.addToken("siem", Role::Viewer);
  file.save();
  std::string text = readFile(path);
  EXPECT_TRUE(text.starts_with(std::string("# the SOC's console\n\n# scripts\ntoken soar viewer ") + kDigest +
                               "\n# end\ntoken siem viewer "))
      << text;

  // A file the commands make starts with a note on what it is.
  const std::string fresh = tempDir() + "/fresh";
  AccountFile made = AccountFile::load(fresh);
  made.addToken("siem", Role::Viewer);
  made.save();
  EXPECT_TRUE(readFile(fresh).starts_with("# mamori console accounts")) << readFile(fresh);
}

TEST(AccountFile, MalformedLinesAreRefusedWithPathAndLine) {
  const std::string path = tempDir() + "/accounts";
  const std::string ok = std::string("# ok\ntoken soar viewer ") + kDigest + "\n";
  struct Case {
    std::string line;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"admin alice analyst x", "unknown entry 'admin'"},
      {"user alice analyst", "expected 'user NAME ROLE HASH'"},
      {std::string("token siem viewer ") + kDigest + " extra", "expected 'token NAME ROLE DIGEST'"},
      {"user alice root $argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", "unknown role 'root'"},
      {"user al/ice analyst $argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", "'al/ice' is not a valid name"},
      {"user " + std::string(65, 'a') + " analyst $argon2id$x", "is not a valid name"},
      {"user alice analyst $2y$10$abcdefghijklmnopqrstuv", "not an argon2id hash"},
      {"user alice analyst secret", "not an argon2id hash"},
      {"token siem viewer 0123", "not 64 hex digits"},
      {"token siem viewer " + std::string(64, 'G'), "not 64 hex digits"},
      {"user soar viewer $argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", "'soar' is already named on line 2"},
      {"user alice\x01 analyst x", "control characters"},
  };
  for (const Case& c : cases) {
    writeText(path, ok + c.line + "\n");
    std::string error = errorOf<AccountFileError>([&] { AccountFile::load(path); });
    EXPECT_TRUE(error.starts_with(path + ":3: ")) << c.line << " -> " << error;
    EXPECT_NE(error.find(c.reason), std::string::npos) << c.line << " -> " << error;
    // A hash in a bad line is not repeated in the message.
    EXPECT_EQ(error.find("$argon2id$v=19"), std::string::npos) << error;
  }
  writeText(path, ok + "\r\n");  // a file edited on Windows
  EXPECT_EQ(AccountFile::load(path).tokens().size(), 1u);
}

TEST(AccountFile, AFileOthersCouldWriteOrReadIsRefused) {
  const std::string path = tempDir() + "/accounts";
  writeText(path, std::string("token soar viewer ") + kDigest + "\n", 0644);
  std::string error = errorOf<AccountFileError>([&] { AccountFile::load(path); });
  EXPECT_NE(error.find(path + ": open to others (mode 0644)"), std::string::npos) << error;
  EXPECT_NE(error.find("chmod 600 " + path), std::string::npos) << error;
  ::chmod(path.c_str(), 0620);
  EXPECT_NE(errorOf<AccountFileError>([&] { AccountFile::load(path); }).find("mode 0620"), std::string::npos);
  // The console's group may read it.
  ::chmod(path.c_str(), 0640);
  EXPECT_EQ(AccountFile::load(path).tokens().size(), 1u);

  EXPECT_NE(errorOf<AccountFileError>([&] { AccountFile::load(tempDir()); }).find("not a regular file"),
            std::string::npos);
  writeText(path, std::string(5 << 20, '#'));
  EXPECT_NE(errorOf<AccountFileError>([&] { AccountFile::load(path); }).find("too large"), std::string::npos);
}

TEST(AccountFile, SavingKeepsTheFilesOwnerSoTheConsoleCanStillReadIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file to another user needs root";
  const std::string path = tempDir() + "/accounts";
  writeText(path, std::string("token soar viewer ") + kDigest + "\n");
  ASSERT_EQ(::chown(path.c_str(), 4242, 4343), 0);
  AccountFile file = AccountFile::load(path);
  file.removeToken("soar");
  file.save();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 4242u);
  EXPECT_EQ(st.st_gid, 4343u);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(AccountFile, MutationsRefuseBadTakenAndUnknownNamesAndBadPasswords) {
  AccountFile file = AccountFile::load(tempDir() + "/accounts");
  file.addToken("soar", Role::Viewer);
  auto refused = [&](auto f) { return errorOf<std::invalid_argument>(f); };
  // Each refusal comes before any hashing: none of these costs an argon2id hash.
  EXPECT_NE(refused([&] { file.addUser("", Role::Viewer, "long enough"); }).find("'' is not a valid name"),
            std::string::npos);
  EXPECT_NE(refused([&] { file.addUser("al ice", Role::Viewer, "long enough"); }).find("not a valid name"),
            std::string::npos);
  EXPECT_NE(refused([&] { file.addUser(std::string(65, 'a'), Role::Viewer, "long enough"); }).find("1 to 64"),
            std::string::npos);
  EXPECT_NE(refused([&] { file.addUser("soar", Role::Viewer, "long enough"); }).find("already a token 'soar'"),
            std::string::npos);
  EXPECT_NE(refused([&] { file.addToken("soar", Role::Viewer); }).find("already a token 'soar'"), std::string::npos);
  EXPECT_NE(refused([&] { file.addUser("alice", Role::Viewer, "7 bytes"); }).find("too short (at least 8 bytes)"),
            std::string::npos);
  EXPECT_NE(refused([&] { file.addUser("alice", Role::Viewer, std::string(1025, 'x')); }).find("too long"),
            std::string::npos);
  EXPECT_NE(refused([&] { file.removeUser("alice"); }).find("there is no user 'alice'"), std::string::npos);
  EXPECT_NE(refused([&] { file.setPassword("alice", "long enough"); }).find("there is no user 'alice'"),
            std::string::npos);
  EXPECT_NE(refused([&] { file.removeToken("siem"); }).find("there is no token 'siem'"), std::string::npos);
  EXPECT_NE(refused([&] { file.removeUser("soar"); }).find("there is no user 'soar'"), std::string::npos);
  EXPECT_TRUE(file.users().empty());
  EXPECT_EQ(file.tokens().size(), 1u);
}

TEST(AccountFile, RolesByName) {
  Role role = Role::Viewer;
  EXPECT_TRUE(roleFromName("analyst", role));
  EXPECT_EQ(role, Role::Analyst);
  EXPECT_STREQ(roleName(role), "analyst");
  EXPECT_TRUE(roleFromName("viewer", role));
  EXPECT_EQ(role, Role::Viewer);
  EXPECT_FALSE(roleFromName("Analyst", role));
  EXPECT_FALSE(roleFromName("admin", role));
  EXPECT_EQ(role, Role::Viewer);
}

}  // namespace
}  // namespace mamori
