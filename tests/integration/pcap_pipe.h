#pragma once
// `mamori run --pcap PIPE` fed through a named pipe the test holds open: the run reads what
// was written and then waits for more, as a sensor fed by `tcpdump -w - | mamori run
// --pcap /dev/stdin` does, so the test can look at it mid-run (its incident store, its
// /metrics) for as long as it needs, then end the input or kill the process.
#include <sys/types.h>

#include <string>
#include <vector>

namespace mamori::test {

class PcapPipe {
 public:
  // Makes the pipe in `dir`, starts `mamori run --pcap PIPE ARGS...` with stdout and
  // stderr to `log`, and waits (up to 60 s) until it has opened the pipe; ok() says whether it did.
  PcapPipe(const std::string& dir, const std::vector<std::string>& args, const std::string& log);
  // Kills a run still going (SIGKILL) and reaps it.
  ~PcapPipe();
  PcapPipe(const PcapPipe&) = delete;
  PcapPipe& operator=(const PcapPipe&) = delete;

  bool ok() const { return fd_ >= 0; }
  pid_t pid() const { return pid_; }
  // Writes capture bytes (a pcap file's header first); false when mamori stopped reading.
  bool write(const std::string& bytes);
  // End of input: closes the pipe, without waiting for mamori.
  void close();
  // End of input: closes the pipe and waits for mamori to finish; its exit code.
  int finish();
  // SIGKILL, reaped; the run's exit status is then 128 + 9.
  int kill();

 private:
  int wait();
  std::string path_;
  pid_t pid_ = -1;
  int fd_ = -1;
};

}  // namespace mamori::test
