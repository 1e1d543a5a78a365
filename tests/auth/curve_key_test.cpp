// Key files as an operator handles them: written once and never overwritten, the secret
// private to its owner, read back strictly, named in logs by a fingerprint.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>

#include "auth/curve_key.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

namespace fs = std::filesystem;
using test::readFile;
using test::tempDir;

// The server public key of libzmq's zmq_curve(7) example, whose 32 bytes that page gives
// in hex (54FCBA24...D652); the fingerprint is the SHA-256 of those bytes.
constexpr const char* kDocumentedKey = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
constexpr const char* kDocumentedFingerprint = "SHA256:522501f4e7a63f61";

void writeText(const std::string& path, const std::string& text, mode_t mode = 0600) {
  std::ofstream(path, std::ios::binary) << text;
  ::chmod(path.c_str(), mode);
}

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// The message of the KeyError `f` throws; fails the test when it throws none.
template <typename F>
std::string keyError(F f) {
  try {
    f();
  } catch (const KeyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a KeyError";
  return "";
}

TEST(CurveKey, GeneratedPairRoundTripsThroughItsFiles) {
  const std::string dir = tempDir() + "/keys";
  CurveKeyPair pair = generateCurveKeyPair("tokyo-1");
  EXPECT_TRUE(isZ85Key(pair.public_key));
  EXPECT_TRUE(isZ85Key(pair.secret_key));
  EXPECT_NE(pair.public_key, pair.secret_key);
  writeKeyFiles(dir, pair);

  CurveKeyPair secret = readSecretKeyFile(dir + "/tokyo-1.key");
  EXPECT_EQ(secret.name, "tokyo-1");
  EXPECT_EQ(secret.public_key, pair.public_key);
  EXPECT_EQ(secret.secret_key, pair.secret_key);

  CurveKeyPair pub = readKeyFile(dir + "/tokyo-1.pub");
  EXPECT_EQ(pub.name, "tokyo-1");
  EXPECT_EQ(pub.public_key, pair.public_key);
  EXPECT_TRUE(pub.secret_key.empty());
  EXPECT_EQ(readFile(dir + "/tokyo-1.pub").find(pair.secret_key), std::string::npos);

  // Configurations name a public key three ways: the literal key, a path, a path relative
  // to the configuration's folder; a .key file gives its public half.
  EXPECT_EQ(readPublicKey(pair.public_key), pair.public_key);
  EXPECT_EQ(readPublicKey(dir + "/tokyo-1.pub"), pair.public_key);
  EXPECT_EQ(readPublicKey("keys/tokyo-1.pub", tempDir()), pair.public_key);
  EXPECT_EQ(readPublicKey(dir + "/tokyo-1.key"), pair.public_key);
  EXPECT_NE(keyError([&] { readSecretKeyFile(dir + "/tokyo-1.pub"); }).find("holds no secret key"), std::string::npos);
}

TEST(CurveKey, FilesUseTheLayoutOfCzmqCertificates) {
  const std::string dir = tempDir();
  CurveKeyPair pair = generateCurveKeyPair("central");
  writeKeyFiles(dir, pair);
  const std::string pub = readFile(dir + "/central.pub");
  const std::string key = readFile(dir + "/central.key");
  EXPECT_NE(pub.find("#   ZeroMQ CURVE Public Certificate\n"), std::string::npos) << pub;
  EXPECT_NE(pub.find("\nmetadata\n    name = \"central\"\ncurve\n    public-key = \"" + pair.public_key + "\"\n"),
            std::string::npos)
      << pub;
  EXPECT_EQ(pub.find("secret-key"), std::string::npos);
  EXPECT_NE(key.find("#   ZeroMQ CURVE **Secret** Certificate\n"), std::string::npos) << key;
  EXPECT_NE(key.find("    public-key = \"" + pair.public_key + "\"\n    secret-key = \"" + pair.secret_key + "\"\n"),
            std::string::npos);

  // What CZMQ writes (zcert_save) reads as well: its own header, no name, a comment.
  const std::string czmq =
      "#   ****  Generated on 2024-05-01 10:00:00 by CZMQ  ****\n"
      "#   ZeroMQ CURVE Public Certificate\n\n"
      "metadata\n"
      "    organisation = \"gsoc\"   # a comment\n"
      "curve\n"
      "    public-key = \"" + std::string(kDocumentedKey) + "\"\n";
  writeText(dir + "/czmq.pub", czmq, 0644);
  CurveKeyPair read = readKeyFile(dir + "/czmq.pub");
  EXPECT_EQ(read.public_key, kDocumentedKey);
  EXPECT_EQ(read.name, "");
}

TEST(CurveKey, SecretFileIsPrivateAndAFolderMadeForItToo) {
  const std::string dir = tempDir() + "/new/keys";
  mode_t umask_before = ::umask(0);  // the modes must not depend on the caller's umask
  writeKeyFiles(dir, generateCurveKeyPair("s"));
  ::umask(umask_before);
  EXPECT_EQ(modeOf(dir + "/s.key"), 0600u);
  EXPECT_EQ(modeOf(dir + "/s.pub"), 0644u);
  EXPECT_EQ(modeOf(dir), 0700u);
  EXPECT_EQ(modeOf(tempDir() + "/new"), 0700u);
}

TEST(CurveKey, NeverOverwritesAKey) {
  const std::string dir = tempDir();
  CurveKeyPair first = generateCurveKeyPair("sensor");
  writeKeyFiles(dir, first);
  const std::string key_before = readFile(dir + "/sensor.key");
  const std::string pub_before = readFile(dir + "/sensor.pub");

  std::string why = keyError([&] { writeKeyFiles(dir, generateCurveKeyPair("sensor")); });
  EXPECT_NE(why.find(dir + "/sensor.key already exists"), std::string::npos) << why;
  EXPECT_EQ(readFile(dir + "/sensor.key"), key_before);
  EXPECT_EQ(readFile(dir + "/sensor.pub"), pub_before);

  // Half a pair left behind (the .pub only) blocks too, and no .key appears beside it.
  fs::remove(dir + "/sensor.key");
  why = keyError([&] { writeKeyFiles(dir, generateCurveKeyPair("sensor")); });
  EXPECT_NE(why.find(dir + "/sensor.pub already exists"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(dir + "/sensor.key"));
  EXPECT_EQ(readFile(dir + "/sensor.pub"), pub_before);
}

TEST(CurveKey, NameMustBeAPlainFileName) {
  const std::string dir = tempDir();
  for (const char* bad : {"", "../escape", "a/b", ".hidden", "-rf", "quote\"d", "sp ace"}) {
    std::string why = keyError([&] { writeKeyFiles(dir, generateCurveKeyPair(bad)); });
    EXPECT_NE(why.find("plain file name"), std::string::npos) << bad << ": " << why;
  }
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(CurveKey, UnwritableFolderIsAnErrorNamingIt) {
  const std::string dir = tempDir();
  writeText(dir + "/file", "not a folder");
  std::string why = keyError([&] { writeKeyFiles(dir + "/file/keys", generateCurveKeyPair("x")); });
  EXPECT_NE(why.find(dir + "/file"), std::string::npos) << why;
}

TEST(CurveKey, SecretOpenToGroupOrOthersIsRefused) {
  const std::string dir = tempDir();
  CurveKeyPair pair = generateCurveKeyPair("leaky");
  writeKeyFiles(dir, pair);
  const std::string key = dir + "/leaky.key";
  for (mode_t mode : {0640, 0604, 0660, 0644}) {
    ::chmod(key.c_str(), mode);
    std::string why = keyError([&] { readSecretKeyFile(key); });
    EXPECT_NE(why.find(key + ": the secret key file is open to group or others"), std::string::npos) << why;
    EXPECT_NE(why.find("chmod 600 " + key), std::string::npos) << why;
    EXPECT_EQ(why.find(pair.secret_key), std::string::npos);
    // Its public half is not to be had from it either: the file is exposed.
    EXPECT_THROW(readPublicKey(key), KeyError);
  }
  ::chmod(key.c_str(), 0400);
  EXPECT_EQ(readSecretKeyFile(key).secret_key, pair.secret_key);
  // A public file may be read by anyone.
  ::chmod((dir + "/leaky.pub").c_str(), 0644);
  EXPECT_EQ(readKeyFile(dir + "/leaky.pub").public_key, pair.public_key);
}

TEST(CurveKey, MalformedFilesAreRefusedWithPathAndLine) {
  const std::string dir = tempDir();
  CurveKeyPair a = generateCurveKeyPair("a");
  CurveKeyPair b = generateCurveKeyPair("b");
  const std::string pk = "    public-key = \"" + a.public_key + "\"\n";
  struct Case {
    std::string text;
    std::string where;  // ":LINE: reason" expected after the path
  };
  const Case cases[] = {
      {"hello world\n", ":1: "},
      {std::string("\x7f" "ELF\x02\x01\x01\0\0", 9) + "\n", ":1: not a key file"},
      {"metadata\ncurve\n\tpublic-key = \"" + a.public_key + "\"\n", ":3: tab"},
      {"curve\n  public-key = \"" + a.public_key + "\"\n", ":2: indentation"},
      {"certificate\n" + pk, ":1: unknown section 'certificate'"},
      {"curve\n" + pk + "    color = \"blue\"\n", ":3: unknown key 'color'"},
      {"    public-key = \"" + a.public_key + "\"\n", ":1: 'public-key' outside a section"},
      {"curve\n    public-key = \"short\"\n", ":2: public-key is not a 40-character Z85 key"},
      {"curve\n    public-key = \"" + a.public_key + "\n", ":2: unterminated quoted value"},
      {"curve\n    public-key \"" + a.public_key + "\"\n", ":2: expected 'public-key = value'"},
      {"curve\n" + pk + pk, ":3: 'public-key' appears twice"},
      {"curve\n" + pk + "curve\n", ":3: section 'curve' appears twice"},
      {"curve\n" + pk + "        deeper = 1\n", ":3: nested deeper"},
      {"curve\n    public-key = \"" + a.public_key + "\" trailing\n", ":2: unexpected text"},
      {"metadata\n    name = \"x\"\n", ": not a key file (no curve public-key)"},
      {"", ": not a key file (no curve public-key)"},
      {"curve\n" + pk + "    secret-key = \"" + b.secret_key + "\"\n", ":3: secret-key does not belong to the public-key"},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string path = dir + "/bad" + std::to_string(n++) + ".key";
    writeText(path, c.text, 0600);
    std::string why = keyError([&] { readKeyFile(path); });
    EXPECT_EQ(why.rfind(path + c.where, 0), 0u) << "case " << n - 1 << ": " << why;
    EXPECT_EQ(why.find(b.secret_key), std::string::npos) << "a key in a message: " << why;
    EXPECT_EQ(why.find(a.public_key), std::string::npos) << "a key in a message: " << why;
  }
}

TEST(CurveKey, ReadingIsBoundedAndNeedsARegularFile) {
  const std::string dir = tempDir();
  CurveKeyPair a = generateCurveKeyPair("a");
  // Over 64 KiB of valid comments: refused by size, not read through.
  std::string big = "curve\n    public-key = \"" + a.public_key + "\"\n";
  while (big.size() <= 64 * 1024) big += "# padding padding padding padding padding padding padding\n";
  writeText(dir + "/big.pub", big, 0644);
  EXPECT_NE(keyError([&] { readKeyFile(dir + "/big.pub"); }).find(dir + "/big.pub: too large"), std::string::npos);

  EXPECT_NE(keyError([&] { readKeyFile(dir); }).find(dir + ": not a key file (not a regular file)"), std::string::npos);
  EXPECT_NE(keyError([&] { readKeyFile(dir + "/missing.pub"); }).find(dir + "/missing.pub: cannot read"),
            std::string::npos);

  // A FIFO named by mistake is refused at once: nothing ever writes to it.
  const std::string fifo = dir + "/fifo.pub";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto read = std::async(std::launch::async, [&] { return keyError([&] { readKeyFile(fifo); }); });
  ASSERT_EQ(read.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "reading a FIFO hung";
  EXPECT_NE(read.get().find("not a regular file"), std::string::npos);
}

TEST(CurveKey, PublicKeyTextThatIsNeitherKeyNorFile) {
  const std::string dir = tempDir();
  std::string why = keyError([&] { readPublicKey("keys/siem.pub", dir); });
  EXPECT_NE(why.find(dir + "/keys/siem.pub"), std::string::npos) << why;
  // Almost a key (one character short): maybe a secret key mistyped, so not repeated.
  CurveKeyPair a = generateCurveKeyPair("a");
  const std::string almost = a.secret_key.substr(1);
  why = keyError([&] { readPublicKey(almost); });
  EXPECT_NE(why.find("not a 40-character Z85 public key"), std::string::npos) << why;
  EXPECT_EQ(why.find(almost), std::string::npos) << why;
}

TEST(CurveKey, FingerprintIsStableShortAndDiffersPerKey) {
  EXPECT_EQ(keyFingerprint(kDocumentedKey), kDocumentedFingerprint);
  CurveKeyPair a = generateCurveKeyPair("a");
  CurveKeyPair b = generateCurveKeyPair("b");
  const std::string fa = keyFingerprint(a.public_key);
  EXPECT_EQ(fa, keyFingerprint(a.public_key));
  EXPECT_NE(fa, keyFingerprint(b.public_key));
  EXPECT_TRUE(std::regex_match(fa, std::regex("SHA256:[0-9a-f]{16}"))) << fa;
  EXPECT_THROW(keyFingerprint("not a key"), KeyError);
}

TEST(CurveKey, Z85KeyRecognition) {
  EXPECT_TRUE(isZ85Key(kDocumentedKey));
  EXPECT_FALSE(isZ85Key(""));
  EXPECT_FALSE(isZ85Key(std::string(kDocumentedKey).substr(1)));
  EXPECT_FALSE(isZ85Key(std::string(kDocumentedKey) + "x"));
  std::string bad = kDocumentedKey;
  bad[3] = '~';  // not in the Z85 alphabet
  EXPECT_FALSE(isZ85Key(bad));
  bad[3] = ' ';
  EXPECT_FALSE(isZ85Key(bad));
}

}  // namespace
}  // namespace mamori
