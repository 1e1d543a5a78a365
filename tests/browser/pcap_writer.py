"""Writes small pcap files from packets built with struct: Ethernet, IPv4 and TCP with correct
checksums, and one whole HTTP/1.1 exchange (handshake, request, answer, FIN close) whose
request carries whatever header values a test needs, hostile ones included."""
import struct

CLIENT_MAC, SERVER_MAC = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _address(text):
    return bytes(int(part) for part in text.split("."))


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload=b"", to_server=True):
    """One Ethernet frame holding an IPv4 TCP segment; `flags` as a string of S A P F R."""
    bits = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}[f] for f in flags)
    s, d = _address(src), _address(dst)
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, bits, 64240, 0, 0)
    pseudo = s + d + struct.pack("!BBH", 0, 6, len(header) + len(payload))
    header = header[:16] + struct.pack("!H", _checksum(pseudo + header + payload)) + header[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(header) + len(payload), 1, 0x4000, 64, 6, 0, s, d)
    ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
    macs = (SERVER_MAC + CLIENT_MAC) if to_server else (CLIENT_MAC + SERVER_MAC)  # destination first
    return macs + b"\x08\x00" + ip + header + payload


def http_exchange(client, server, request, answer, sport=49152, dport=80):
    """The frames of one HTTP connection: handshake, request, answer, both FINs."""
    def up(seq, ack, flags, payload=b""):
        return tcp_frame(client, server, sport, dport, seq, ack, flags, payload, to_server=True)

    def down(seq, ack, flags, payload=b""):
        return tcp_frame(server, client, dport, sport, seq, ack, flags, payload, to_server=False)

    c, s = 1000, 5000  # initial sequence numbers
    return [up(c, 0, "S"), down(s, c + 1, "SA"), up(c + 1, s + 1, "A"),
            up(c + 1, s + 1, "PA", request),
            down(s + 1, c + 1 + len(request), "PA", answer),
            up(c + 1 + len(request), s + 1 + len(answer), "FA"),
            down(s + 1 + len(answer), c + 2 + len(request), "FA"),
            up(c + 2 + len(request), s + 2 + len(answer), "A")]


def write_pcap(path, frames, start=1772442000.0, gap=0.001):
    """A classic pcap (microsecond times, Ethernet), one frame every `gap` seconds from `start`."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for n, frame in enumerate(frames):
            t = start + n * gap
            f.write(struct.pack("<IIII", int(t), int(round((t % 1) * 1e6)) % 1000000, len(frame), len(frame)))
            f.write(frame)
