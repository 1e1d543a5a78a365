#pragma once
// QuicInitialKeys: the keys of QUIC's Initial packets (RFC 9001 5.2), derived by anyone from
// the client's first Destination Connection ID and the version's public salt: a sensor
// reads the ClientHello / ServerHello they carry as the endpoints do. Versions: IETF QUIC
// v1, v2, drafts 23-34 and Google's Q050 / T050 / T051 (QUIC-crypto and TLS over IETF invariants).
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

struct evp_cipher_ctx_st;

namespace mamori {

struct QuicPacketKeys {
  std::array<uint8_t, 16> key{}, hp{};
  std::array<uint8_t, 12> iv{};
};

class QuicInitialKeys {
 public:
  // False for a version with no known salt (its Initial packets are not read).
  bool derive(uint32_t version, const uint8_t* dcid, size_t dcid_len);
  const QuicPacketKeys& client() const { return client_; }
  const QuicPacketKeys& server() const { return server_; }

  // Removes header protection and decrypts one long-header packet in place (RFC 9001 5.3,
  // 5.4) with `keys` (client() or server()): `packet` is the whole packet, `pn_offset` where
  // its packet number starts. On success `payload` / `payload_len` are the plaintext frames
  // (inside `packet`). One cipher context serves every packet: none is allocated per packet.
  bool open(const QuicPacketKeys& keys, uint8_t* packet, size_t packet_len, size_t pn_offset,
            const uint8_t*& payload, size_t& payload_len);

 private:
  struct CipherFree {
    void operator()(evp_cipher_ctx_st* c) const;
  };
  QuicPacketKeys client_, server_;
  std::unique_ptr<evp_cipher_ctx_st, CipherFree> cipher_;
};

}  // namespace mamori
