// TlsTransport: a client connection that speaks TLS, as the Transport the connection state
// machine reads and writes through (transport.h), so the three MPMs serve HTTPS with no code
// of their own: the handshake happens inside the first receive(), and every call stays
// non-blocking and answers like the system call it stands for (EAGAIN: wait on fd()).
// A handshake that fails, and plain HTTP sent to the port, end the connection: the latter
// with a plain-text 400 that says to use https, as Apache does.
// Runs in: children (whichever thread holds the connection).
// Leans on: SSL_read(3), SSL_write(3), SSL_get_error(3), SSL_shutdown(3); pread(2) for
// files (no sendfile(2) under TLS: the bytes are encrypted in user space).
#ifndef MPMD_CHILD_TLS_TRANSPORT_H
#define MPMD_CHILD_TLS_TRANSPORT_H

#include "child/transport.h"
#include "shared/tls_context.h"

#include <sys/socket.h>

#include <memory>

namespace mpmd {

// Takes `fd` (a TCP connection from `peer`, as accept4(2) gave it), and starts it on
// `contexts`' initial context.
std::unique_ptr<Transport> make_tls_transport(int fd, const sockaddr_storage& peer, const TlsContexts& contexts);

} // namespace mpmd

#endif
