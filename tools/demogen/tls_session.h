#pragma once
// The records of a TLS 1.3 session as a passive tap sees them: a cleartext ClientHello
// (with SNI and ALPN, what nDPI and JA3-style tooling read) and ServerHello, then opaque
// application_data records of realistic sizes.
#include <array>
#include <string>

#include "tools/demogen/host.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

class TlsSession {
 public:
  TlsSession(Rng& rng, std::string serverName);

  Bytes clientHello() const;
  // ServerHello, the compatibility ChangeCipherSpec, and the encrypted rest of the
  // server's flight (EncryptedExtensions, Certificate, CertificateVerify, Finished).
  Bytes serverFlight(size_t certificateChainBytes);
  Bytes clientFinished();
  Bytes applicationData(size_t plaintextBytes);
  Bytes closeNotify();

 private:
  Rng& rng_;
  std::string serverName_;
  std::array<uint8_t, 32> sessionId_{};
};

}  // namespace mamori::demogen
