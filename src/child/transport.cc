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
    explicit PlainTransport(int fd) : fd_(fd)
    {
        const int one = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~PlainTransport() override { close(fd_); }
    PlainTransport(const PlainTransport&) = delete;
    PlainTransport& operator=(const PlainTransport&) = delete;

    int fd() const override { return fd_; }
    ssize_t receive(char* buffer, size_t size) override { return recv(fd_, buffer, size, 0); }
    ssize_t send(const char* data, size_t size, bool more) override
    {
        return ::send(fd_, data, size, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
    }
    ssize_t send_file(int file_fd, off_t* offset, size_t size) override
    {
        return sendfile(fd_, file_fd, offset, size);
    }
    bool shutdown_write() override { return shutdown(fd_, SHUT_WR) == 0; }

private:
    int fd_;
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
