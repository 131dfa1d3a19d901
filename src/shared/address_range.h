// AddressRange: one entry of an address allow-list, an IPv4 or IPv6 network in CIDR form
// (a bare address is a /32 or /128), and the match of a client's socket address against it.
// Runs in: master (parses the config), children (match a client: the status page's Require,
// TrustedProxy for the PROXY protocol).
// Leans on: inet_pton(3); RFC 4291 2.5.5.2 (IPv4-mapped IPv6 addresses, ::ffff:a.b.c.d);
// RFC 4632 (CIDR prefixes).
#ifndef MPMD_SHARED_ADDRESS_RANGE_H
#define MPMD_SHARED_ADDRESS_RANGE_H

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mpmd {

struct AddressRange {
    bool ipv6 = false;
    std::array<uint8_t, 16> bytes{};   // network order; IPv4 uses the first 4, host bits zero
    int prefix = 0;                    // leading bits that must match: 0..32 or 0..128

    // "192.0.2.0/24", "2001:db8::/32", "127.0.0.1" (prefix shown only when not a host).
    std::string text() const;
    // IPv4-mapped IPv6 clients (::ffff:a.b.c.d) are compared as IPv4. Families other than
    // AF_INET and AF_INET6 never match.
    bool contains(const sockaddr_storage& client) const;
};

// Accepts "a.b.c.d", "a.b.c.d/n" (0..32), an IPv6 address with or without "/n" (0..128).
// An IPv4-mapped IPv6 range of prefix 96 or more is kept as the IPv4 range it maps. Host bits
// set below the prefix are an error, so a typo such as 10.0.0.1/8 does not pass silently.
// nullopt with *problem set ("\"10.0.0.300\" is not an IPv4 or IPv6 address") otherwise.
std::optional<AddressRange> parse_address_range(std::string_view text, std::string* problem);

} // namespace mpmd

#endif
