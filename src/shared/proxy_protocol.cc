// See proxy_protocol.h. Strict where the specification is: version 1 fields separated by
// single spaces, decimal ports without a sign, the line ended by CRLF within 107 bytes;
// version 2 with its 12-byte signature, version nibble 2 and a length that covers the
// addresses of the family it names. Anything else is Invalid at the first byte that rules
// it out, so a client that sends plain HTTP to a proxy listener is told so at once.
#include "shared/proxy_protocol.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace mpmd {

namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::string_view kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);

ProxyHeader invalid(int version, std::string problem)
{
    ProxyHeader h;
    h.outcome = ProxyHeader::Outcome::Invalid;
    h.version = version;
    h.problem = std::move(problem);
    return h;
}

// Whether `bytes` (shorter than `whole`) could still become `whole`.
bool is_prefix_of(std::string_view bytes, std::string_view whole)
{
    return bytes.size() <= whole.size() && whole.substr(0, bytes.size()) == bytes;
}

// Splits at single spaces; false on an empty field (two spaces, or a leading or trailing one).
bool split_fields(std::string_view line, std::string_view* fields, size_t count, size_t* found)
{
    *found = 0;
    while (true) {
        const size_t space = line.find(' ');
        const std::string_view field = line.substr(0, space);
        if (field.empty() || *found == count)
            return false;
        fields[(*found)++] = field;
        if (space == std::string_view::npos)
            return true;
        line.remove_prefix(space + 1);
    }
}

// A port as version 1 writes it: 1 to 5 digits, no leading zero (but "0" itself), <= 65535.
bool parse_port(std::string_view text, uint16_t* port)
{
    if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0'))
        return false;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + unsigned(c - '0');
    }
    if (value > 65535)
        return false;
    *port = uint16_t(value);
    return true;
}

bool parse_address(std::string_view text, bool ipv6, uint16_t port, sockaddr_storage* out)
{
    char buffer[INET6_ADDRSTRLEN + 1];
    if (text.size() >= sizeof buffer)
        return false;
    text.copy(buffer, text.size());
    buffer[text.size()] = '\0';
    std::memset(out, 0, sizeof *out);
    if (ipv6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(out);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        return inet_pton(AF_INET6, buffer, &a->sin6_addr) == 1;
    }
    auto* a = reinterpret_cast<sockaddr_in*>(out);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    return inet_pton(AF_INET, buffer, &a->sin_addr) == 1;
}

ProxyHeader parse_v1(std::string_view bytes)
{
    // The line ends at its first LF, which must follow a CR: a bare LF anywhere is refused,
    // so a line is judged the same whether it arrives whole or in pieces.
    const size_t lf = bytes.find('\n');
    if (lf == std::string_view::npos) {
        if (bytes.size() >= kProxyV1MaxLength)
            return invalid(1, "version 1 line longer than 107 bytes");
        ProxyHeader h;
        h.version = 1;
        return h;   // NeedMore
    }
    if (lf + 1 > kProxyV1MaxLength)
        return invalid(1, "version 1 line longer than 107 bytes");
    if (bytes[lf - 1] != '\r')
        return invalid(1, "version 1 line not ended by CRLF");
    const size_t end = lf - 1;
    const std::string_view line = bytes.substr(kV1Prefix.size(), end - kV1Prefix.size());
    ProxyHeader h;
    h.version = 1;
    h.length = end + 2;
    if (line.substr(0, 7) == "UNKNOWN" && (line.size() == 7 || line[7] == ' ')) {
        h.outcome = ProxyHeader::Outcome::Done;   // the rest of the line is ignored
        return h;
    }
    std::string_view fields[6];
    size_t count = 0;
    if (!split_fields(line, fields, 6, &count))
        return invalid(1, "malformed version 1 line");
    const bool ipv6 = fields[0] == "TCP6";
    if (!ipv6 && fields[0] != "TCP4")
        return invalid(1, "unknown version 1 protocol (allowed: TCP4, TCP6, UNKNOWN)");
    if (count != 5)
        return invalid(1, "version 1 line needs protocol, two addresses and two ports");
    uint16_t source_port = 0, destination_port = 0;
    if (!parse_port(fields[3], &source_port) || !parse_port(fields[4], &destination_port))
        return invalid(1, "bad port in version 1 line");
    if (!parse_address(fields[1], ipv6, source_port, &h.source))
        return invalid(1, "bad source address in version 1 line");
    if (!parse_address(fields[2], ipv6, destination_port, &h.destination))
        return invalid(1, "bad destination address in version 1 line");
    h.outcome = ProxyHeader::Outcome::Done;
    h.has_addresses = true;
    return h;
}

uint16_t read16(const unsigned char* p) { return uint16_t(p[0] << 8 | p[1]); }

ProxyHeader parse_v2(std::string_view bytes)
{
    ProxyHeader h;
    h.version = 2;
    if (bytes.size() < 16)
        return h;   // NeedMore: the signature matched so far
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned version = b[12] >> 4, command = b[12] & 0x0F;
    if (version != 2)
        return invalid(2, "version 2 signature with version " + std::to_string(version));
    if (command > 1)
        return invalid(2, "unknown version 2 command " + std::to_string(command));
    const size_t length = 16 + read16(b + 14);
    if (length > kProxyV2MaxLength)
        return invalid(2, "version 2 header of " + std::to_string(length) + " bytes (at most " +
                              std::to_string(kProxyV2MaxLength) + ")");
    if (bytes.size() < length)
        return h;   // NeedMore
    h.outcome = ProxyHeader::Outcome::Done;
    h.length = length;
    const unsigned family = b[13] >> 4, transport = b[13] & 0x0F;
    // LOCAL (a health check of the balancer's own), UNSPEC, UNIX or DGRAM: no client to take.
    if (command == 0 || transport != 1 || (family != 1 && family != 2))
        return h;
    const unsigned char* a = b + 16;
    if (family == 1) {
        if (length < 16 + 12)
            return invalid(2, "version 2 TCP over IPv4 header too short for its addresses");
        auto* s = reinterpret_cast<sockaddr_in*>(&h.source);
        auto* d = reinterpret_cast<sockaddr_in*>(&h.destination);
        s->sin_family = d->sin_family = AF_INET;
        std::memcpy(&s->sin_addr, a, 4);
        std::memcpy(&d->sin_addr, a + 4, 4);
        std::memcpy(&s->sin_port, a + 8, 2);   // both in network order, as on the wire
        std::memcpy(&d->sin_port, a + 10, 2);
    } else {
        if (length < 16 + 36)
            return invalid(2, "version 2 TCP over IPv6 header too short for its addresses");
        auto* s = reinterpret_cast<sockaddr_in6*>(&h.source);
        auto* d = reinterpret_cast<sockaddr_in6*>(&h.destination);
        s->sin6_family = d->sin6_family = AF_INET6;
        std::memcpy(&s->sin6_addr, a, 16);
        std::memcpy(&d->sin6_addr, a + 16, 16);
        std::memcpy(&s->sin6_port, a + 32, 2);
        std::memcpy(&d->sin6_port, a + 34, 2);
    }
    h.has_addresses = true;
    return h;
}

} // namespace

ProxyHeader parse_proxy_header(std::string_view bytes)
{
    if (bytes.size() >= kV1Prefix.size() && bytes.substr(0, kV1Prefix.size()) == kV1Prefix)
        return parse_v1(bytes);
    if (bytes.size() >= kV2Signature.size() && bytes.substr(0, kV2Signature.size()) == kV2Signature)
        return parse_v2(bytes);
    if (is_prefix_of(bytes, kV1Prefix) || is_prefix_of(bytes, kV2Signature)) {
        ProxyHeader h;   // NeedMore, version not known yet
        return h;
    }
    return invalid(0, "no header at the start of the connection (a client that did not come through the balancer?)");
}

} // namespace mpmd
