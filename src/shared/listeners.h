// The listening sockets. Bound by the master before the first fork (so ports below 1024 work
// when started as root), inherited by every child, and kept open across restarts: a restart
// binds only the addresses that are new and closes only those that were dropped, so a client
// connecting during a restart waits in the backlog instead of being refused.
// Runs in: master (bind, update, close), children (poll and accept on the inherited fds).
// Leans on: getaddrinfo(3), socket(2), bind(2), listen(2), IPV6_V6ONLY in ipv6(7), TCP_DEFER_ACCEPT in tcp(7),
// getsockname(2) and SO_ACCEPTCONN in socket(7) for inherited sockets.
#ifndef MPMD_SHARED_LISTENERS_H
#define MPMD_SHARED_LISTENERS_H

#include <string>
#include <vector>

namespace mpmd {

struct ListenSpec {
    std::string host;    // numeric address or name; "" = every address (IPv6 and IPv4)
    int port = 0;
    std::string origin;  // "file:line" of the Listen line, for errors
    bool proxy = false;  // Listen's proxy flag
    bool https = false;  // Listen's https flag
};

struct ListenSocket {
    std::string key;     // "host:port" as bound, e.g. "127.0.0.1:8080", "[::]:80"
    int fd = -1;
    int port = 0;
    // Connections begin with a PROXY protocol header (ListenAddress::proxy). A setting of the
    // generation: update() sets it on kept sockets too, and each child has its own copy.
    bool proxy = false;
    bool https = false;  // connections speak TLS; likewise the generation's
};

class ListenerSet {
public:
    ListenerSet() = default;
    ~ListenerSet();
    ListenerSet(const ListenerSet&) = delete;
    ListenerSet& operator=(const ListenerSet&) = delete;

    // Makes the set listen on exactly `wanted`: keeps sockets already bound to a wanted
    // address (applying the new backlog), binds the new ones, closes the rest. All or
    // nothing: if any address cannot be bound, the set is left as it was and `errors` gets
    // one "origin: [server] Listen: cannot bind ADDRESS: reason" line per failure.
    // `defer_accept_seconds` > 0 sets TCP_DEFER_ACCEPT (tcp(7)) on every socket: accept(2)
    // returns a connection once its first bytes arrived, or after about that long; 0 unsets.
    bool update(const std::vector<ListenSpec>& wanted, int backlog, int defer_accept_seconds,
                std::vector<std::string>* errors);

    // Binary upgrade, new master, before the first update(): takes the inherited sockets
    // that really are listening TCP sockets bound where their key says (getsockname), as if
    // this set had bound them; update() then keeps those still wanted and closes the rest.
    // Every descriptor named is taken: one that does not check out is closed unless it is
    // not a socket at all (fd reused for something else), and *notes gets one line for each.
    // FD_CLOEXEC is set again on the adopted ones.
    void adopt(const std::vector<ListenSocket>& inherited, std::vector<std::string>* notes);

    const std::vector<ListenSocket>& sockets() const { return sockets_; }
    // Closes every socket in this process (children keep their inherited copies). Only
    // close(2), never shutdown(2): after a binary upgrade another master shares the sockets.
    void close_all();

private:
    std::vector<ListenSocket> sockets_;
};

// The "host:port" key of the address `fd` is bound to, in ListenSocket::key's form ("" when
// it is not an IP socket): how a socket handed over by systemd is matched to a Listen.
std::string bound_address_key(int fd);

// For `mpmd -k restart|graceful`, before the running master is signalled: one error line,
// in update()'s shape, per address of `wanted` that could not be bound now and is not among
// `held` (the keys the running master listens on, which it keeps). Binds without listening
// and closes at once, so no client ever meets the probe.
std::vector<std::string> unbindable_listen_addresses(const std::vector<ListenSpec>& wanted,
                                                     const std::vector<std::string>& held);

} // namespace mpmd

#endif
