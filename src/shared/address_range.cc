// CIDR ranges: parsing with inet_pton(3) and prefix comparison on network-order bytes.
// Runs in: master and children.
#include "shared/address_range.h"

#include "shared/directive.h"   // parse_integer

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace mpmd {

namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// True when the first `bits` bits of a and b agree.
bool same_prefix(const uint8_t* a, const uint8_t* b, int bits)
{
    const int whole = bits / 8;
    if (std::memcmp(a, b, static_cast<size_t>(whole)) != 0)
        return false;
    const int rest = bits % 8;
    if (rest == 0)
        return true;
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool host_bits_clear(const uint8_t* bytes, int length, int prefix)
{
    for (int bit = prefix; bit < length * 8; ++bit)
        if (bytes[bit / 8] & (0x80 >> (bit % 8)))
            return false;
    return true;
}

} // namespace

std::string AddressRange::text() const
{
    char buffer[INET6_ADDRSTRLEN] = {};
    inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes.data(), buffer, sizeof buffer);
    const int host = ipv6 ? 128 : 32;
    return prefix == host ? std::string(buffer) : std::string(buffer) + "/" + std::to_string(prefix);
}

bool AddressRange::contains(const sockaddr_storage& client) const
{
    const uint8_t* address = nullptr;
    bool client_v6 = false;
    if (client.ss_family == AF_INET) {
        address = reinterpret_cast<const uint8_t*>(
            &reinterpret_cast<const sockaddr_in&>(client).sin_addr);
    } else if (client.ss_family == AF_INET6) {
        address = reinterpret_cast<const sockaddr_in6&>(client).sin6_addr.s6_addr;
        client_v6 = true;
        if (std::memcmp(address, kMappedPrefix, sizeof kMappedPrefix) == 0) {
            address += sizeof kMappedPrefix;
            client_v6 = false;
        }
    } else {
        return false;
    }
    return client_v6 == ipv6 && same_prefix(address, bytes.data(), prefix);
}

std::optional<AddressRange> parse_address_range(std::string_view text, std::string* problem)
{
    const size_t slash = text.find('/');
    const std::string address(text.substr(0, slash));
    AddressRange range;
    range.ipv6 = address.find(':') != std::string::npos;
    if (inet_pton(range.ipv6 ? AF_INET6 : AF_INET, address.c_str(), range.bytes.data()) != 1) {
        *problem = "\"" + address + "\" is not an IPv4 or IPv6 address";
        return std::nullopt;
    }
    const int length = range.ipv6 ? 16 : 4;
    range.prefix = length * 8;
    if (slash != std::string_view::npos) {
        const std::optional<long long> bits = parse_integer(text.substr(slash + 1));
        if (!bits || *bits < 0 || *bits > length * 8) {
            *problem = "\"" + std::string(text.substr(slash + 1)) +
                       "\" is not a prefix length 0.." + std::to_string(length * 8);
            return std::nullopt;
        }
        range.prefix = static_cast<int>(*bits);
    }
    if (!host_bits_clear(range.bytes.data(), length, range.prefix)) {
        *problem = "\"" + std::string(text) + "\" has bits set after its /" +
                   std::to_string(range.prefix) + " prefix";
        return std::nullopt;
    }
    const bool mapped = range.ipv6 && range.prefix >= 96 &&
                        std::memcmp(range.bytes.data(), kMappedPrefix, sizeof kMappedPrefix) == 0;
    if (mapped) {
        std::memmove(range.bytes.data(), range.bytes.data() + 12, 4);
        std::memset(range.bytes.data() + 4, 0, 12);
        range.ipv6 = false;
        range.prefix -= 96;
    }
    return range;
}

} // namespace mpmd
