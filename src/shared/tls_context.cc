// See tls_context.h.
#include "shared/tls_context.h"

#include "shared/ocsp_staple.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace mpmd {

namespace {

// The newest OpenSSL error as text ("error:0A000086:SSL routines::certificate verify
// failed"), or what `fallback` says when there is none; the queue is emptied.
std::string openssl_error(const char* fallback)
{
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0)
        return fallback;
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

std::string unreadable_problem(const std::string& certificate, const std::string& key)
{
    for (const std::string* path : {&certificate, &key}) {
        if (access(path->c_str(), R_OK) != 0)
            return "cannot read " + *path + ": " + std::strerror(errno);
    }
    return {};
}

int version_of(int tls)
{
    return tls == 13 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

// ALPN (RFC 7301): http/1.1 when the client offers it; a client that offers only other
// protocols (h2 alone) goes on without ALPN rather than being refused, as nginx does
// without http2.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                unsigned int in_length, void*)
{
    static constexpr unsigned char kHttp11[] = "\x08http/1.1";
    unsigned char* selected = nullptr;
    if (SSL_select_next_proto(&selected, out_length, kHttp11, sizeof kHttp11 - 1, in, in_length) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

int select_by_sni(SSL* ssl, int*, void* arg)
{
    const auto* contexts = static_cast<const TlsContexts*>(arg);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    SSL_CTX* wanted = contexts->for_name(name != nullptr ? name : "");
    if (wanted != SSL_get_SSL_CTX(ssl))
        SSL_set_SSL_CTX(ssl, wanted);
    return SSL_TLSEXT_ERR_OK;
}

// OCSP stapling: a client that asks (status_request) gets the host's response while it is
// fresh. Called with the context SNI chose, so each host staples its own.
int staple_ocsp(SSL* ssl, void* arg)
{
    const auto* staple = static_cast<const OcspStaple*>(arg);
    if (staple == nullptr || !staple->fresh_at(time(nullptr)))
        return SSL_TLSEXT_ERR_NOACK;
    auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(staple->der.size()));   // OpenSSL frees it
    if (copy == nullptr)
        return SSL_TLSEXT_ERR_NOACK;
    std::memcpy(copy, staple->der.data(), staple->der.size());
    if (SSL_set_tlsext_status_ocsp_resp(ssl, copy, long(staple->der.size())) != 1) {
        OPENSSL_free(copy);
        return SSL_TLSEXT_ERR_NOACK;
    }
    return SSL_TLSEXT_ERR_OK;
}

} // namespace

std::unique_ptr<TlsContexts> TlsContexts::build(const ServerConfig& server, std::vector<std::string>* errors,
                                                std::vector<std::string>* warnings)
{
    std::unique_ptr<TlsContexts> out(new TlsContexts());
    out->server_ = &server;
    std::vector<const TlsCertificate*> certificates;
    if (server.vhosts.empty())
        certificates.push_back(&server.certificate);
    for (const VirtualHost& vhost : server.vhosts)
        certificates.push_back(&vhost.certificate);
    const size_t errors_before = errors->size();
    out->staples_.resize(certificates.size());   // not resized again: the contexts point into it
    for (const TlsCertificate* certificate : certificates) {
        SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
        if (ctx == nullptr) {
            errors->push_back(certificate->origin + ": " + openssl_error("cannot create a TLS context"));
            return nullptr;
        }
        out->contexts_.push_back(ctx);
        SSL_CTX_set_min_proto_version(ctx, version_of(server.tls.min_version));
        SSL_CTX_set_max_proto_version(ctx, version_of(server.tls.max_version));
        // No renegotiation (a client could make the server work, and it is gone in TLS 1.3),
        // no compression (CRIME), the server's cipher order; an EOF without close_notify is
        // an ordinary close (many HTTP clients end so).
        SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
                                     | SSL_OP_IGNORE_UNEXPECTED_EOF
#endif
        );
        // Partial writes as send(2) makes them; a retried write may come from a moved buffer
        // with the same bytes (the connection's reply buffer grows); idle connections give
        // their 34 KB of buffers back (the event MPM holds thousands).
        SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                  SSL_MODE_RELEASE_BUFFERS);
        // One session id context for every host, so a session resumes after SNI switched it.
        static constexpr unsigned char kSessionContext[] = "mpmd";
        SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
        SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
        SSL_CTX_set_tlsext_servername_callback(ctx, select_by_sni);
        SSL_CTX_set_tlsext_servername_arg(ctx, out.get());
        const std::string& where = certificate->origin;
        if (SSL_CTX_set_cipher_list(ctx, server.tls.cipher_suite.c_str()) != 1)
            errors->push_back(where + ": SSLCipherSuite \"" + server.tls.cipher_suite +
                              "\" leaves no cipher: " + openssl_error("no cipher matched"));
        // A file that cannot be read says why in the system's words, not OpenSSL's "system lib".
        const std::string unreadable = unreadable_problem(certificate->certificate_file, certificate->key_file);
        if (!unreadable.empty()) {
            errors->push_back(where + ": " + unreadable);
            continue;
        }
        if (SSL_CTX_use_certificate_chain_file(ctx, certificate->certificate_file.c_str()) != 1) {
            errors->push_back(where + ": cannot load " + certificate->certificate_file + ": " +
                              openssl_error("not a PEM certificate"));
            continue;
        }
        if (SSL_CTX_use_PrivateKey_file(ctx, certificate->key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
            errors->push_back(where + ": cannot load the key " + certificate->key_file + ": " +
                              openssl_error("not a PEM private key"));
            continue;
        }
        if (SSL_CTX_check_private_key(ctx) != 1) {
            errors->push_back(where + ": the key " + certificate->key_file + " does not match " +
                              certificate->certificate_file + ": " + openssl_error("mismatch"));
            continue;
        }
        struct stat st;
        if (stat(certificate->key_file.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0)
            warnings->push_back(where + ": the key " + certificate->key_file +
                                " may be read by every user: chmod o-r it (e.g. 600, owned by root)");
        if (!certificate->stapling_file.empty()) {
            OcspStaple& staple = out->staples_[out->contexts_.size() - 1];
            std::string problem, stale;
            if (!load_ocsp_staple(certificate->stapling_file, SSL_CTX_get0_certificate(ctx), time(nullptr), &staple,
                                  &problem, &stale)) {
                errors->push_back(certificate->stapling_origin + ": " + problem);
                continue;
            }
            if (!stale.empty())
                warnings->push_back(certificate->stapling_origin + ": " + stale);
            SSL_CTX_set_tlsext_status_cb(ctx, staple_ocsp);
            SSL_CTX_set_tlsext_status_arg(ctx, &staple);
        }
    }
    if (errors->size() != errors_before)
        return nullptr;
    return out;
}

TlsContexts::~TlsContexts()
{
    for (SSL_CTX* ctx : contexts_)
        SSL_CTX_free(ctx);
}

SSL_CTX* TlsContexts::for_name(const std::string& server_name) const
{
    if (server_->vhosts.empty() || contexts_.size() != server_->vhosts.size())
        return contexts_.front();
    const VirtualHost* vhost = server_->find_vhost(server_name);
    return contexts_[size_t(vhost - server_->vhosts.data())];
}

} // namespace mpmd
