// ListenAddress: parsing and printing of Listen values.
// Runs in: master.
// Leans on: inet_pton(3) (AF_INET, AF_INET6).
#include "shared/listen_address.h"

#include "shared/directive.h"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace mpmd {

namespace {

std::optional<int> parse_port(std::string_view text, std::string* problem)
{
    const std::optional<long long> port = parse_integer(text);
    if (!port) {
        *problem = "malformed Listen \"" + std::string(text) + "\": the port is not a number";
        return std::nullopt;
    }
    if (*port < 1 || *port > 65535) {
        *problem = "port " + std::string(text) + " is out of range 1..65535";
        return std::nullopt;
    }
    return static_cast<int>(*port);
}

} // namespace

std::string ListenAddress::text() const
{
    const std::string port_text = std::to_string(port);
    if (host.empty())
        return "*:" + port_text;
    if (ipv6)
        return "[" + host + "]:" + port_text;
    return host + ":" + port_text;
}

bool ListenAddress::same_endpoint(const ListenAddress& other) const
{
    return host == other.host && port == other.port && ipv6 == other.ipv6;
}

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* problem)
{
    ListenAddress address;
    std::string_view port_text = text;
    if (!text.empty() && text.front() == '[') {
        const size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() ||
            text[close + 1] != ':') {
            *problem = "malformed Listen \"" + std::string(text) +
                       "\": write an IPv6 address as [address]:port";
            return std::nullopt;
        }
        address.host = std::string(text.substr(1, close - 1));
        address.ipv6 = true;
        in6_addr probe6{};
        if (inet_pton(AF_INET6, address.host.c_str(), &probe6) != 1) {
            *problem = "malformed Listen \"" + std::string(text) + "\": \"" + address.host +
                       "\" is not an IPv6 address";
            return std::nullopt;
        }
        port_text = text.substr(close + 2);
    } else if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
        const std::string_view host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
        if (host != "*") {
            address.host = std::string(host);
            in_addr probe4{};
            if (inet_pton(AF_INET, address.host.c_str(), &probe4) != 1) {
                *problem = "malformed Listen \"" + std::string(text) + "\": \"" + address.host +
                           "\" is not an IPv4 address";
                return std::nullopt;
            }
        }
    }
    const std::optional<int> port = parse_port(port_text, problem);
    if (!port)
        return std::nullopt;
    address.port = *port;
    return address;
}

std::optional<ListenAddress> parse_listen(const std::vector<std::string>& words, std::string* problem)
{
    if (words.empty()) {
        *problem = "no address";
        return std::nullopt;
    }
    std::optional<ListenAddress> address = parse_listen_address(words.front(), problem);
    if (!address)
        return std::nullopt;
    for (size_t i = 1; i < words.size(); ++i) {
        if (equals_ignoring_case(words[i], "proxy")) {
            address->proxy = true;
        } else if (equals_ignoring_case(words[i], "https")) {
            address->https = true;
        } else if (!equals_ignoring_case(words[i], "http")) {
            *problem = "\"" + words[i] + "\" is not a Listen flag";
            return std::nullopt;
        }
    }
    return address;
}

} // namespace mpmd
