// See transport.h.
#include "child/transport.h"

#include <config.h>   // HAVE_OPENSSL

#if HAVE_OPENSSL
#include "child/tls_transport.h"
#endif

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mpmd {

namespace {

class PlainTransport final : public Transport {
public:
    explicit PlainTransport(int fd) : fd_(fd) {}
    ~PlainTransport() override { close(fd_); }
    PlainTransport(const PlainTransport&) = delete;
    PlainTransport& operator=(const PlainTransport&) = delete;

    int fd() const override { return fd_; }
    ssize_t receive(char* buffer, size_t size) override { return recv(fd_, buffer, size, 0); }
    ssize_t send(const char* data, size_t size, bool more) override
    {
        before_write();
        const ssize_t sent = ::send(fd_, data, size, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
        held_ = more;
        return sent;
    }
    ssize_t send_file(int file_fd, off_t* offset, size_t size) override
    {
        before_write();
        const ssize_t sent = sendfile(fd_, file_fd, offset, size);
        held_ = false;
        no_delay();   // the range's last, short segment leaves now, not on the client's ACK
        return sent;
    }
    bool shutdown_write() override { return shutdown(fd_, SHUT_WR) == 0; }

private:
    // Nagle's algorithm holds a short segment while earlier bytes are unacknowledged, which
    // only a second write can meet: a reply behind another (keep-alive, pipelining), a CGI
    // script's output in pieces, a file behind its head. So TCP_NODELAY is set at the
    // second write, not at the accept: a reply in one send on a connection that then
    // closes (the one close(2) pushes it) saves the setsockopt(2). A head sent with
    // MSG_MORE is not pushed alone by it: the file's bytes join it first.
    void before_write()
    {
        if (writes_++ > 0 && !held_)
            no_delay();
    }
    void no_delay()
    {
        if (no_delay_)
            return;
        no_delay_ = true;
        const int one = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);   // pushes what is queued
    }

    int fd_;
    unsigned writes_ = 0;
    bool held_ = false;       // the last send said MSG_MORE
    bool no_delay_ = false;
};

} // namespace

std::unique_ptr<Transport> make_plain_transport(int fd)
{
    return std::make_unique<PlainTransport>(fd);
}

std::unique_ptr<Transport> make_transport(int fd, const sockaddr_storage& peer, const ServerRuntime& runtime,
                                          bool https)
{
#if HAVE_OPENSSL
    // The config refuses a Listen marked https when the build has no OpenSSL, and the master
    // builds the contexts whenever one is marked.
    if (https && runtime.tls)
        return make_tls_transport(fd, peer, *runtime.tls);
#else
    (void)peer;
    (void)runtime;
    (void)https;
#endif
    return make_plain_transport(fd);
}

} // namespace mpmd
