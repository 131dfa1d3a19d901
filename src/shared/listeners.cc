// Binding and keeping the listening sockets; see listeners.h.
#include "shared/listeners.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mpmd {

namespace {

std::string address_key(const sockaddr* sa)
{
    char host[INET6_ADDRSTRLEN] = "";
    int port = 0;
    if (sa->sa_family == AF_INET6) {
        auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
        return "[" + std::string(host) + "]:" + std::to_string(port);
    }
    auto* in4 = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in4->sin_addr, host, sizeof host);
    port = ntohs(in4->sin_port);
    return std::string(host) + ":" + std::to_string(port);
}

int address_port(const sockaddr* sa)
{
    return sa->sa_family == AF_INET6 ? ntohs(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port)
                                     : ntohs(reinterpret_cast<const sockaddr_in*>(sa)->sin_port);
}

int socket_option(int fd, int option)
{
    int value = 0;
    socklen_t size = sizeof value;
    return getsockopt(fd, SOL_SOCKET, option, &value, &size) == 0 ? value : -1;
}

// Why an inherited socket bound to `addr` cannot serve as `offered`, or "".
std::string inherited_problem(const ListenSocket& offered, const sockaddr_storage& addr)
{
    const auto* sa = reinterpret_cast<const sockaddr*>(&addr);
    if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
        return "not an IP socket";
    if (socket_option(offered.fd, SO_TYPE) != SOCK_STREAM)
        return "not a stream socket";
    if (socket_option(offered.fd, SO_ACCEPTCONN) != 1)
        return "not listening";
    if (address_key(sa) != offered.key)
        return "bound to " + address_key(sa);
    return {};
}

struct Resolved {
    sockaddr_storage addr{};
    socklen_t length = 0;
    std::string key;
};

// "" resolves to [::] (dual-stack) when the host has IPv6, else 0.0.0.0.
bool resolve(const ListenSpec& spec, Resolved* out, std::string* error)
{
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_family = spec.host.empty() ? AF_INET6 : AF_UNSPEC;
    const std::string port = std::to_string(spec.port);
    addrinfo* result = nullptr;
    int rc = getaddrinfo(spec.host.empty() ? nullptr : spec.host.c_str(), port.c_str(), &hints, &result);
    if (rc != 0 && spec.host.empty()) {
        hints.ai_family = AF_INET;
        rc = getaddrinfo(nullptr, port.c_str(), &hints, &result);
    }
    if (rc != 0) {
        *error = gai_strerror(rc);
        return false;
    }
    std::memcpy(&out->addr, result->ai_addr, result->ai_addrlen);
    out->length = result->ai_addrlen;
    out->key = address_key(result->ai_addr);
    freeaddrinfo(result);
    return true;
}

int bind_one(const Resolved& where, int backlog, std::string* error)
{
    const int family = where.addr.ss_family;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = std::strerror(errno);
        return -1;
    }
    const int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) {
        // "[::]" serves IPv4 too, as Apache's "Listen 80" does; a specific v6 address stays v6.
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&where.addr);
        const bool any = IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, any ? &zero : &one, sizeof one);
    }
    if (bind(fd, reinterpret_cast<const sockaddr*>(&where.addr), where.length) != 0 ||
        listen(fd, backlog) != 0) {
        const int err = errno;
        *error = std::strerror(err);
        if (err == EADDRINUSE)
            *error += " (another server, or a second Listen line, already uses this port)";
        else if (err == EACCES)
            *error += " (ports below 1024 need root)";
        close(fd);
        return -1;
    }
    return fd;
}

} // namespace

std::string bound_address_key(int fd)
{
    sockaddr_storage addr{};
    socklen_t length = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0 ||
        (addr.ss_family != AF_INET && addr.ss_family != AF_INET6))
        return {};
    return address_key(reinterpret_cast<const sockaddr*>(&addr));
}

ListenerSet::~ListenerSet() { close_all(); }

void ListenerSet::adopt(const std::vector<ListenSocket>& inherited, std::vector<std::string>* notes)
{
    for (const ListenSocket& offered : inherited) {
        sockaddr_storage addr{};
        socklen_t length = sizeof addr;
        const bool is_socket = getsockname(offered.fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0;
        const std::string problem = is_socket ? inherited_problem(offered, addr)
                                              : std::string("not a socket: ") + std::strerror(errno);
        const bool duplicate = std::any_of(sockets_.begin(), sockets_.end(),
                                           [&](const ListenSocket& s) { return s.key == offered.key; });
        if (!problem.empty() || duplicate) {
            notes->push_back("inherited descriptor " + std::to_string(offered.fd) + " (" + offered.key +
                             ") not adopted: " + (duplicate ? "a second socket for the same address" : problem));
            if (is_socket)
                close(offered.fd);
            continue;
        }
        fcntl(offered.fd, F_SETFD, FD_CLOEXEC);
        const int port = address_port(reinterpret_cast<const sockaddr*>(&addr));
        sockets_.push_back(ListenSocket{offered.key, offered.fd, port});
    }
}

bool ListenerSet::update(const std::vector<ListenSpec>& wanted, int backlog, int defer_accept_seconds,
                         std::vector<std::string>* errors)
{
    std::vector<ListenSocket> next;
    std::vector<int> bound_now;
    bool ok = true;
    for (const ListenSpec& spec : wanted) {
        Resolved where;
        std::string error;
        const std::string shown = (spec.host.empty() ? "*" : spec.host) + ":" + std::to_string(spec.port);
        if (!resolve(spec, &where, &error)) {
            errors->push_back(spec.origin + ": [server] Listen: cannot resolve " + shown + ": " + error);
            ok = false;
            continue;
        }
        if (std::any_of(next.begin(), next.end(), [&](const ListenSocket& s) { return s.key == where.key; }))
            continue;   // the same address twice: one socket serves both lines
        auto kept = std::find_if(sockets_.begin(), sockets_.end(),
                                 [&](const ListenSocket& s) { return s.key == where.key; });
        if (kept != sockets_.end()) {
            listen(kept->fd, backlog);
            next.push_back(*kept);
            next.back().proxy = spec.proxy;
            next.back().https = spec.https;
            continue;
        }
        const int fd = bind_one(where, backlog, &error);
        if (fd < 0) {
            errors->push_back(spec.origin + ": [server] Listen: cannot bind " + shown + ": " + error);
            ok = false;
            continue;
        }
        bound_now.push_back(fd);
        next.push_back(ListenSocket{where.key, fd, spec.port, spec.proxy, spec.https});
    }
    if (!ok) {
        for (int fd : bound_now)
            close(fd);
        return false;
    }
    for (const ListenSocket& old : sockets_) {
        if (std::none_of(next.begin(), next.end(), [&](const ListenSocket& s) { return s.fd == old.fd; }))
            close(old.fd);
    }
    sockets_ = std::move(next);
    // On every socket, kept ones too, so a restart that changes AcceptFilter applies it.
    for (const ListenSocket& s : sockets_)
        setsockopt(s.fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_accept_seconds, sizeof defer_accept_seconds);
    return true;
}

void ListenerSet::close_all()
{
    for (const ListenSocket& s : sockets_)
        close(s.fd);
    sockets_.clear();
}

std::vector<std::string> unbindable_listen_addresses(const std::vector<ListenSpec>& wanted,
                                                     const std::vector<std::string>& held)
{
    std::vector<std::string> errors;
    for (const ListenSpec& spec : wanted) {
        Resolved where;
        std::string error;
        const std::string shown = (spec.host.empty() ? "*" : spec.host) + ":" + std::to_string(spec.port);
        if (!resolve(spec, &where, &error)) {
            errors.push_back(spec.origin + ": [server] Listen: cannot resolve " + shown + ": " + error);
            continue;
        }
        if (std::find(held.begin(), held.end(), where.key) != held.end())
            continue;
        const int fd = socket(where.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;   // nothing to learn here; the master reports what it meets
        const int one = 1, zero = 0;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (where.addr.ss_family == AF_INET6) {
            const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&where.addr);
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) ? &zero : &one,
                       sizeof one);
        }
        if (bind(fd, reinterpret_cast<const sockaddr*>(&where.addr), where.length) != 0) {
            const int err = errno;
            error = std::strerror(err);
            if (err == EADDRINUSE)
                error += " (another server already uses this port)";
            else if (err == EACCES)
                error += " (ports below 1024 need root)";
            errors.push_back(spec.origin + ": [server] Listen: cannot bind " + shown + ": " + error);
        }
        close(fd);
    }
    return errors;
}

} // namespace mpmd
