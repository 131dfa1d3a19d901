// ListenAddress: one parsed Listen value ([address:]port [https] [proxy]), with the config line it
// came from.
// Runs in: master (config load; the listeners code binds what this describes).
// Leans on: inet_pton(3) for the numeric address forms; Apache's Listen syntax.
#ifndef MPMD_SHARED_LISTEN_ADDRESS_H
#define MPMD_SHARED_LISTEN_ADDRESS_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

struct ListenAddress {
    std::string host;   // numeric IPv4 or IPv6 address without brackets; "" = every address
    int port = 0;       // 1..65535
    bool ipv6 = false;  // host is an IPv6 address (written in brackets)
    // The flag "proxy": a connection from a TrustedProxy address begins with a PROXY protocol
    // header (a load balancer's), which says who the client is.
    bool proxy = false;
    // The protocol "https" (Apache's Listen 443 https): connections speak TLS.
    bool https = false;
    std::string file;   // origin in the config; line 0 = the built-in default
    int line = 0;

    // The canonical spelling: "*:80", "192.0.2.1:80", "[::1]:8080".
    std::string text() const;
    // Same address and port (origin ignored).
    bool same_endpoint(const ListenAddress& other) const;
};

// Accepts "8080" and "*:8080" (every address), "192.0.2.1:80", "[::1]:8080", "[::]:80".
// Host names are not accepted: a listener must not depend on DNS at start.
// nullopt with *problem set (e.g. "port 0 is out of range 1..65535") otherwise.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* problem);
// A whole Listen value: the address, then its flags, in any case: "https" (or "http", the
// default) and "proxy".
std::optional<ListenAddress> parse_listen(const std::vector<std::string>& words, std::string* problem);

} // namespace mpmd

#endif
