// Transport: how a client connection's bytes cross the wire. The connection state machine
// (connection.h) reads and writes only through this interface, so a listener that carries
// TLS or the PROXY protocol plugs in here once, for all three MPMs. PlainTransport is a
// non-blocking TCP socket; it owns the descriptor and closes it when destroyed.
// Every call is non-blocking and answers like the system call it stands for: > 0 bytes
// moved, 0 when the peer closed (receive), -1 with errno (EAGAIN: wait until fd() is ready
// and call again). The caller waits (poll(2), or a libevent event) on fd().
// Runs in: children (whichever thread holds the connection).
// Leans on: recv(2), send(2) with MSG_MORE and MSG_NOSIGNAL, sendfile(2), shutdown(2).
#ifndef MPMD_CHILD_TRANSPORT_H
#define MPMD_CHILD_TRANSPORT_H

#include "shared/server_runtime.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
#include <memory>

namespace mpmd {

class Transport {
public:
    virtual ~Transport() = default;
    // The descriptor to wait on for readiness.
    virtual int fd() const = 0;
    virtual ssize_t receive(char* buffer, size_t size) = 0;
    // `more`: further bytes follow at once (a file range behind a head), so they may share
    // a segment.
    virtual ssize_t send(const char* data, size_t size, bool more) = 0;
    // Up to `size` bytes of `file_fd` from *offset, which advances.
    virtual ssize_t send_file(int file_fd, off_t* offset, size_t size) = 0;
    // Our side has sent its last byte (a lingering close follows); false when the
    // connection is already gone.
    virtual bool shutdown_write() = 0;
    // The bytes cross the wire encrypted (TLS): the scheme is https.
    virtual bool encrypted() const { return false; }
    // The client spoke plain HTTP where TLS was due (it forgot https://): its bytes cross in
    // the clear, and the connection answers its request with a 400 that says so, as Apache
    // does, logged like any request, then closes.
    virtual bool plain_http() const { return false; }
    // send_file copies the file's bytes through this process (TLS encrypts them) instead of
    // sendfile(2): a small file is then better read into the reply, behind its head, so both
    // leave in one write (one TLS record and one system call, not two of each).
    virtual bool copies_files() const { return false; }
};

// A TCP connection as accept4(2) gave it (non-blocking); replies leave as soon as they are
// written, in as few segments as send's MSG_MORE allows (TCP_NODELAY from the second write,
// or once a file was sent: transport.cc says why not at once).
std::unique_ptr<Transport> make_plain_transport(int fd);

// The transport of a connection accepted on a listener marked https (TLS with `runtime`'s
// contexts, tls_transport.h) or not (plain).
// `peer` names the client in the TLS layer's log lines.
std::unique_ptr<Transport> make_transport(int fd, const sockaddr_storage& peer, const ServerRuntime& runtime,
                                          bool https);

} // namespace mpmd

#endif
