// TlsContexts: the OpenSSL server contexts one generation serves TLS with, one per host that
// may answer (each [vhost:NAME], or the server itself), all with the same protocols, ciphers
// and options. The master builds them as root when it builds the generation, so a key only
// root may read works, and the children inherit them with the fork: a child never opens a
// key. A restart (HUP, USR1) builds new ones, reading renewed certificates, and new session
// ticket keys with them (OpenSSL makes random ones per context): tickets do not outlive a
// generation. The client's SNI picks the context (SSL_set_SSL_CTX in the servername
// callback) by the same rules as a request's Host (ServerConfig::find_vhost): an unknown
// name, or none, gets the default vhost's certificate. A host with SSLStaplingFile staples
// its OCSP response (ocsp_staple.h), read with the certificate.
// Runs in: master (build), children (a context per connection, the SNI callback).
// Leans on: OpenSSL 1.1.1/3.0: SSL_CTX_new(3), SSL_CTX_use_certificate_chain_file(3),
// SSL_CTX_set_min_proto_version(3), SSL_CTX_set_tlsext_servername_callback(3),
// SSL_CTX_set_alpn_select_cb(3), SSL_CTX_set_tlsext_status_cb(3); RFC 6066 3 (SNI) and 8
// (status_request), RFC 7301 (ALPN).
#ifndef MPMD_SHARED_TLS_CONTEXT_H
#define MPMD_SHARED_TLS_CONTEXT_H

#include "shared/ocsp_staple.h"
#include "shared/server_config.h"

#include <memory>
#include <string>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;

namespace mpmd {

class TlsContexts {
public:
    // One context per host of `server` (which must outlive the result: the SNI callback
    // looks names up in it). nullptr when a file cannot be loaded, with one line per problem
    // in *errors ("FILE:LINE: [SECTION] SSLCertificateFile: cannot load PATH: reason");
    // *warnings gets a line for a key file others may read.
    static std::unique_ptr<TlsContexts> build(const ServerConfig& server, std::vector<std::string>* errors,
                                              std::vector<std::string>* warnings);
    ~TlsContexts();
    TlsContexts(const TlsContexts&) = delete;
    TlsContexts& operator=(const TlsContexts&) = delete;

    // The context a new connection starts with: the default host's (SNI may switch it).
    SSL_CTX* initial() const { return contexts_.front(); }
    // The context of the host `server_name` (an SNI name; "" = none) picks.
    SSL_CTX* for_name(const std::string& server_name) const;

private:
    TlsContexts() = default;

    const ServerConfig* server_ = nullptr;
    // [0] the server's when there are no vhosts, else parallel to server_->vhosts.
    std::vector<SSL_CTX*> contexts_;
    std::vector<OcspStaple> staples_;   // parallel to contexts_; empty der: no stapling
};

} // namespace mpmd

#endif
