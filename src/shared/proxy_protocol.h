// The PROXY protocol header a load balancer (HAProxy, a cloud balancer) sends first on a
// connection it opens for a client: version 1 (one text line) or version 2 (binary), saying
// the client's address and port and the address it connected to. A pure parser over the
// bytes received so far: it answers "need more", "done, the header takes N bytes" or
// "invalid, because ..."; the connection decides what to do with each.
// Runs in: children (the first bytes of a connection on a Listen marked proxy).
// Leans on: the PROXY protocol specification (haproxy's doc/proxy-protocol.txt, versions 1
// and 2), inet_pton(3).
#ifndef MPMD_SHARED_PROXY_PROTOCOL_H
#define MPMD_SHARED_PROXY_PROTOCOL_H

#include <sys/socket.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace mpmd {

// A version 1 line is at most 107 bytes with its CRLF (the specification's bound).
inline constexpr size_t kProxyV1MaxLength = 107;
// A version 2 header: 16 bytes, then the addresses and TLVs its length field counts, which
// we bound well above what HAProxy sends (addresses plus a few TLVs) and far below 64 KiB.
inline constexpr size_t kProxyV2MaxLength = 16 + 2048;

struct ProxyHeader {
    enum class Outcome {
        NeedMore,   // a prefix of a valid header so far: read more (within the deadline)
        Done,       // a whole header of `length` bytes
        Invalid,    // not a header, or a malformed one: `problem` says why
    };
    Outcome outcome = Outcome::NeedMore;
    int version = 0;              // 1 or 2, once known
    size_t length = 0;            // Done: the bytes the header takes; the request follows
    // Done: false when the header carries no client (version 1 UNKNOWN, version 2 LOCAL or an
    // address family other than TCP over IPv4 or IPv6): the connection's own addresses stand.
    bool has_addresses = false;
    sockaddr_storage source{};    // the client, with its port
    sockaddr_storage destination{};
    std::string problem;          // Invalid: for the error log, e.g. "bad source address"
};

// Reads the header at the start of `bytes` (everything received on the connection so far).
ProxyHeader parse_proxy_header(std::string_view bytes);

} // namespace mpmd

#endif
