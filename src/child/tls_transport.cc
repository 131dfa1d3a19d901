// See tls_transport.h.
#include "child/tls_transport.h"

#include "child/request_log.h"   // client_with_port
#include "shared/error_log.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>

namespace mpmd {

namespace {

// A TLS record carries at most this much data; a file is read and sent in pieces of it.
constexpr size_t kRecordBytes = 16384;

class TlsTransport final : public Transport {
public:
    TlsTransport(int fd, const sockaddr_storage& peer, SSL_CTX* ctx) : fd_(fd), peer_(peer), ssl_(SSL_new(ctx))
    {
        const int one = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (ssl_ != nullptr) {
            SSL_set_fd(ssl_, fd_);
            SSL_set_accept_state(ssl_);
        }
    }
    ~TlsTransport() override
    {
        if (ssl_ != nullptr) {
            // A close the connection chose after a whole exchange says so (close_notify),
            // once, without waiting for the client's.
            if (!failed_ && !shut_down_ && SSL_is_init_finished(ssl_)) {
                ERR_clear_error();
                SSL_shutdown(ssl_);
            }
            SSL_free(ssl_);
        }
        ERR_clear_error();
        close(fd_);
    }
    TlsTransport(const TlsTransport&) = delete;
    TlsTransport& operator=(const TlsTransport&) = delete;

    int fd() const override { return fd_; }
    bool encrypted() const override { return !plain_http_; }
    bool plain_http() const override { return plain_http_; }
    bool copies_files() const override { return true; }

    ssize_t receive(char* buffer, size_t size) override
    {
        if (failed_ || ssl_ == nullptr) {
            errno = ECONNRESET;
            return -1;
        }
        if (!sniffed_) {
            const ssize_t first = sniff();
            if (first <= 0)
                return first;
        }
        if (plain_http_)
            return ::recv(fd_, buffer, size, 0);
        ERR_clear_error();
        errno = 0;   // SSL_ERROR_SYSCALL with errno 0 is an EOF: no stale value may pass for one
        const int n = SSL_read(ssl_, buffer, int(std::min<size_t>(size, INT_MAX)));
        if (n > 0)
            return n;
        return failure(n, true);
    }

    ssize_t send(const char* data, size_t size, bool) override
    {
        if (failed_ || ssl_ == nullptr) {
            errno = EPIPE;
            return -1;
        }
        if (size == 0)
            return 0;
        if (plain_http_)
            return ::send(fd_, data, size, MSG_NOSIGNAL);
        ERR_clear_error();
        errno = 0;
        const int n = SSL_write(ssl_, data, int(std::min<size_t>(size, INT_MAX)));
        if (n > 0)
            return n;
        return failure(n, false);
    }

    // A retried call after EAGAIN reads the same bytes again (the caller's offset and size
    // are unchanged), which is what SSL_write's retry rule asks for.
    ssize_t send_file(int file_fd, off_t* offset, size_t size) override
    {
        char chunk[kRecordBytes];
        const ssize_t got = pread(file_fd, chunk, std::min(size, sizeof chunk), *offset);
        if (got <= 0)
            return got;
        const ssize_t sent = send(chunk, size_t(got), false);
        if (sent > 0)
            *offset += sent;
        return sent;
    }

    bool shutdown_write() override
    {
        if (failed_ || ssl_ == nullptr)
            return false;
        if (plain_http_)
            return ::shutdown(fd_, SHUT_WR) == 0;
        ERR_clear_error();
        SSL_shutdown(ssl_);   // our close_notify; the client's is not awaited
        shut_down_ = true;
        return ::shutdown(fd_, SHUT_WR) == 0;
    }

private:
    // Looks at the connection's first byte before the handshake: a TLS record begins with its
    // type (0x14-0x18; an SSLv2 hello with a byte >= 0x80), an HTTP request with a method's
    // capital letter. 1 when it is known, else as recv(2) answers (0: closed, -1: EAGAIN...).
    ssize_t sniff()
    {
        char first;
        const ssize_t n = ::recv(fd_, &first, 1, MSG_PEEK);
        if (n <= 0)
            return n;
        sniffed_ = true;
        plain_http_ = first >= 'A' && first <= 'Z';
        if (plain_http_)
            log_client_error(LogLevel::Info, "ssl", client_with_port(peer_),
                             "plain HTTP request on a TLS port: it is answered 400 (use https://)");
        return 1;
    }

    // After SSL_read or SSL_write returned `result` <= 0: -1 with errno as a socket call
    // would set it, or 0 when the client closed.
    ssize_t failure(int result, bool reading)
    {
        const int error = SSL_get_error(ssl_, result);
        switch (error) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
            // Renegotiation is off, so a write wants only writability and a read only
            // readability, but for the handshake's own flight, which the socket's buffer takes
            // whole.
            errno = EAGAIN;
            return -1;
        case SSL_ERROR_ZERO_RETURN:
            return 0;
        case SSL_ERROR_SYSCALL:
            if (errno == 0 && reading)
                return 0;   // EOF without close_notify
            failed_ = true;
            if (errno == 0)
                errno = EPIPE;
            return -1;
        default:
            break;
        }
        failed_ = true;
        const unsigned long code = ERR_peek_error();
        char text[256] = "unknown error";
        if (code != 0)
            ERR_error_string_n(code, text, sizeof text);
        log_client_error(LogLevel::Info, "ssl", client_with_port(peer_), "%s: %s",
                         SSL_is_init_finished(ssl_) ? "TLS error" : "TLS handshake failed", text);
        ERR_clear_error();
        errno = EPROTO;
        return -1;
    }

    int fd_;
    sockaddr_storage peer_;    // formatted only for a log line
    SSL* ssl_;
    bool failed_ = false;      // a fatal TLS error: nothing more is read or sent
    bool sniffed_ = false;     // the first byte has been seen (sniff)
    bool plain_http_ = false;  // it began a plain HTTP request: no TLS on this connection
    bool shut_down_ = false;   // our close_notify has gone
};

} // namespace

std::unique_ptr<Transport> make_tls_transport(int fd, const sockaddr_storage& peer, const TlsContexts& contexts)
{
    return std::make_unique<TlsTransport>(fd, peer, contexts.initial());
}

} // namespace mpmd
