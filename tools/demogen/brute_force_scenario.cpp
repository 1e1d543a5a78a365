#include "tools/demogen/brute_force_scenario.h"

#include <string>

#include "tools/demogen/http_message.h"
#include "tools/demogen/office_network.h"
#include "tools/demogen/tcp_conversation.h"

namespace mamori::demogen {
namespace {

constexpr uint16_t kSshPort = 22;
constexpr uint16_t kHttpPort = 80;
constexpr int kGuessingTasks = 4;
constexpr int kSshConnectionsPerTask = 11;
constexpr int kPasswordsPerSshConnection = 3;
constexpr int kPortalAttemptsPerConnection = 8;
constexpr int kMistypes = 4;

const char* const kPortal = "portal.office.example";
const char* const kBrowserAgent =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 "
    "Safari/537.36";
const char* const kServer = "Apache/2.4.58 (Ubuntu)";

// SSH message sizes (payload bytes) of the user authentication and a session channel.
constexpr size_t kServiceMessage = 17;  // SERVICE_REQUEST / SERVICE_ACCEPT "ssh-userauth"
constexpr size_t kPasswordRequest = 62;
constexpr size_t kAuthFailure = 24;     // "publickey,password"
constexpr size_t kAuthSuccess = 1;
constexpr size_t kChannelOpen = 24;
constexpr size_t kChannelConfirmation = 17;
constexpr size_t kKeystroke = 10;       // CHANNEL_DATA of one byte
constexpr size_t kDisconnect = 40;

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

std::string formBody(const std::string& user, const std::string& password) {
  return "username=" + user + "&password=" + password;
}

}  // namespace

BruteForceScenario::BruteForceScenario(CaptureFile& capture, uint64_t seed, Micros start)
    : capture_(capture), rng_(seed), start_(start) {
  server_ = officeHost(rng_, 80, kLinuxStack);
  admin_ = officeHost(rng_, 31, kWindowsStack);
  for (uint8_t octet : {12, 15, 18, 33, 36}) workstations_.push_back(officeHost(rng_, octet, kWindowsStack));
  attacker_ = remoteHost(rng_, ipv4(203, 0, 113, 99), 16, 42 * kMillisecond);
  remoteEmployee_ = remoteHost(rng_, ipv4(198, 51, 100, 50), 12, 15 * kMillisecond);
}

void BruteForceScenario::generate() {
  sshConnection(admin_, kOpenSshWindowsClient, start_ + 5 * kSecond, SshUse::kRunCommand);
  sshConnection(admin_, kOpenSshWindowsClient, start_ + 20 * kSecond, SshUse::kInteractiveShell);
  sshPasswordGuessing(start_ + 60 * kSecond);
  mistypedPasswords(start_ + 150 * kSecond);
  basicAuthentication(start_ + 180 * kSecond);
  portalPasswordGuessing(start_ + 240 * kSecond);
  sshConnection(admin_, kOpenSshWindowsClient, start_ + 300 * kSecond, SshUse::kRunCommand);
}

Micros BruteForceScenario::sshConnection(Host& client, const SshSoftware& software, Micros at, SshUse use) {
  TcpConversation connection(capture_, rng_, client, server_, kSshPort, at);
  SshSession clientSide(rng_, software);
  SshSession serverSide(rng_, kOpenSshUbuntuServer);
  connection.open();
  // sshd speaks first; each side sends its KEXINIT right behind its identification.
  connection.send(Side::kServer, serverSide.identification());
  connection.send(Side::kClient, clientSide.identification());
  connection.send(Side::kServer, serverSide.keyExchangeInit());
  connection.send(Side::kClient, concat({clientSide.keyExchangeInit(), clientSide.ecdhInit()}));
  connection.idle(rng_.between(1, 3) * kMillisecond);  // the host key signature
  connection.send(Side::kServer, serverSide.ecdhReplyAndNewKeys());
  connection.send(Side::kClient, concat({clientSide.newKeys(), clientSide.encrypted(kServiceMessage)}));
  connection.send(Side::kServer, serverSide.encrypted(kServiceMessage));

  if (use == SshUse::kGuessPasswords) {
    for (int attempt = 0; attempt < kPasswordsPerSshConnection; ++attempt) {
      connection.send(Side::kClient, clientSide.encrypted(kPasswordRequest));
      // PAM holds every failure back for about two seconds (pam_faildelay).
      connection.idle(rng_.between(1800, 2600) * kMillisecond);
      connection.send(Side::kServer, serverSide.encrypted(kAuthFailure));
    }
    connection.send(Side::kClient, clientSide.encrypted(kDisconnect));
    connection.close(Side::kClient);
    return connection.now();
  }

  connection.idle(rng_.between(2, 6) * kSecond);  // the administrator types the password
  connection.send(Side::kClient, clientSide.encrypted(kPasswordRequest));
  connection.idle(rng_.between(20, 60) * kMillisecond);
  connection.send(Side::kServer, serverSide.encrypted(kAuthSuccess));
  connection.send(Side::kClient, clientSide.encrypted(kChannelOpen));
  connection.send(Side::kServer, serverSide.encrypted(kChannelConfirmation));
  if (use == SshUse::kRunCommand) {
    // `ssh admin@192.168.10.80 uptime`: exec, one line of output, exit status, close.
    connection.send(Side::kClient, clientSide.encrypted(static_cast<size_t>(rng_.between(30, 60))));
    connection.idle(rng_.between(5, 20) * kMillisecond);
    connection.send(Side::kServer, concat({serverSide.encrypted(80), serverSide.encrypted(30),
                                           serverSide.encrypted(5), serverSide.encrypted(5)}));
    connection.send(Side::kClient, clientSide.encrypted(5));
    connection.close(Side::kServer);
    return connection.now();
  }
  // A shell: pty and shell requests, the login banner, then a few commands typed a key at a
  // time, each key echoed, each command answered with a screenful.
  connection.send(Side::kClient, concat({clientSide.encrypted(120), clientSide.encrypted(20)}));
  connection.send(Side::kServer, serverSide.encrypted(static_cast<size_t>(rng_.between(700, 1100))));
  for (const char* command : {"df -h", "systemctl status apache2", "tail -n 50 /var/log/apache2/error.log",
                              "sudo apt list --upgradable", "exit"}) {
    const size_t keys = std::char_traits<char>::length(command) + 1;
    for (size_t key = 0; key < keys; ++key) {
      connection.idle(rng_.between(80, 300) * kMillisecond);
      connection.send(Side::kClient, clientSide.encrypted(kKeystroke));
      connection.send(Side::kServer, serverSide.encrypted(kKeystroke));
    }
    connection.send(Side::kServer, serverSide.encrypted(static_cast<size_t>(rng_.between(200, 2400))));
    connection.idle(rng_.between(2, 6) * kSecond);
  }
  connection.close(Side::kServer);
  return connection.now();
}

void BruteForceScenario::sshPasswordGuessing(Micros at) {
  // Each task opens its next connection as soon as the last one is done.
  for (int task = 0; task < kGuessingTasks; ++task) {
    Micros next = at + rng_.between(0, 200) * kMillisecond;
    for (int connection = 0; connection < kSshConnectionsPerTask; ++connection) {
      next = sshConnection(attacker_, kLibsshClient, next, SshUse::kGuessPasswords) +
             rng_.between(20, 120) * kMillisecond;
    }
  }
}

void BruteForceScenario::portalPasswordGuessing(Micros at) {
  static const std::vector<std::string> kPasswords = {
      "123456",   "password", "admin",     "12345678", "qwerty",   "letmein",  "welcome",  "monkey",
      "dragon",   "master",   "111111",    "abc123",   "iloveyou", "sunshine", "princess", "football",
      "admin123", "P@ssw0rd", "changeme",  "passw0rd", "trustno1", "root",     "secret",   "summer2026",
      "Winter26", "office",   "portal",    "12345",    "1q2w3e4r", "zaq12wsx", "qwerty123", "Password1"};
  size_t next = 0;
  for (int task = 0; task < kGuessingTasks; ++task) {
    TcpConversation connection(capture_, rng_, attacker_, server_, kHttpPort, at + rng_.between(0, 300) * kMillisecond);
    connection.open();
    for (int attempt = 0; attempt < kPortalAttemptsPerConnection; ++attempt) {
      connection.send(Side::kClient, httpRequest("POST", "/login",
                                                 {{"Host", kPortal},
                                                  {"User-Agent", "Mozilla/5.0 (Hydra)"},
                                                  {"Content-Type", "application/x-www-form-urlencoded"}},
                                                 formBody("admin", kPasswords[next++ % kPasswords.size()])));
      connection.idle(rng_.between(3, 12) * kMillisecond);
      connection.send(Side::kServer, httpResponse(401, "Unauthorized", connection.now(),
                                                  {{"Server", kServer},
                                                   {"Content-Type", "text/html; charset=utf-8"}},
                                                  "<p>Invalid user name or password.</p>\n"));
      connection.idle(rng_.between(5, 40) * kMillisecond);
    }
    connection.close(Side::kClient);
  }
}

void BruteForceScenario::mistypedPasswords(Micros at) {
  // A browser, a new connection each time: Apache closes idle keep-alive connections after 5 s.
  const HttpHeaders form = {{"Host", kPortal},
                            {"User-Agent", kBrowserAgent},
                            {"Content-Type", "application/x-www-form-urlencoded"},
                            {"Origin", std::string("http://") + kPortal},
                            {"Referer", std::string("http://") + kPortal + "/login"}};
  for (int attempt = 0; attempt <= kMistypes; ++attempt) {
    const bool right = attempt == kMistypes;
    TcpConversation connection(capture_, rng_, remoteEmployee_, server_, kHttpPort, at);
    connection.open();
    connection.send(Side::kClient, httpRequest("POST", "/login", form,
                                               formBody("k.tanaka", right ? "Sakura-2026!" : "sakura-2026")));
    connection.idle(rng_.between(3, 12) * kMillisecond);
    connection.send(Side::kServer,
                    right ? httpResponse(302, "Found", connection.now(),
                                         {{"Server", kServer},
                                          {"Location", "/dashboard"},
                                          {"Set-Cookie", "portal_session=7f3c9a1e; Path=/; HttpOnly"}},
                                         "")
                          : httpResponse(401, "Unauthorized", connection.now(),
                                         {{"Server", kServer}, {"Content-Type", "text/html; charset=utf-8"}},
                                         "<p>Invalid user name or password.</p>\n"));
    connection.idle(rng_.between(1, 3) * kSecond);
    connection.close(Side::kClient);
    at = connection.now() + rng_.between(4, 12) * kSecond;
  }
}

void BruteForceScenario::basicAuthentication(Micros at) {
  for (Host& user : workstations_) {
    Micros next = at;
    // The browser asks without credentials, is refused, prompts, and asks again with them.
    for (bool withCredentials : {false, true}) {
      HttpHeaders headers = {{"Host", "intranet.office.example"}, {"User-Agent", kBrowserAgent}, {"Accept", "*/*"}};
      if (withCredentials) headers.emplace_back("Authorization", "Basic c3RhZmY6b2ZmaWNlLXJlcG9ydHM=");
      TcpConversation connection(capture_, rng_, user, server_, kHttpPort, next);
      connection.open();
      connection.send(Side::kClient, httpRequest("GET", "/reports/", headers));
      connection.idle(rng_.between(1, 4) * kMillisecond);
      connection.send(Side::kServer,
                      withCredentials
                          ? httpResponse(200, "OK", connection.now(),
                                         {{"Server", kServer}, {"Content-Type", "text/html; charset=utf-8"}},
                                         htmlPage(rng_, "Reports", 3))
                          : httpResponse(401, "Unauthorized", connection.now(),
                                         {{"Server", kServer},
                                          {"WWW-Authenticate", "Basic realm=\"Reports\""},
                                          {"Content-Type", "text/html; charset=iso-8859-1"}},
                                         "<h1>Unauthorized</h1>\n"));
      connection.idle(rng_.between(1, 3) * kSecond);
      connection.close(Side::kClient);
      next = connection.now() + rng_.between(3, 8) * kSecond;
    }
    at += rng_.between(5, 20) * kSecond;
  }
}

}  // namespace mamori::demogen
