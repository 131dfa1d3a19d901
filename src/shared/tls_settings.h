// TLS settings as the configuration states them, with no OpenSSL type in sight: which
// protocol versions and TLS 1.2 ciphers are offered (SSLProtocol, SSLCipherSuite, server-wide
// as the handshake begins before a vhost is known), and each host's certificate and key
// (SSLCertificateFile, SSLCertificateKeyFile: [server], and any [vhost:NAME] of its own).
// tls_context.h turns them into OpenSSL contexts in the master.
// Runs in: master (config load).
// Leans on: Apache mod_ssl's directives of the same names.
#ifndef MPMD_SHARED_TLS_SETTINGS_H
#define MPMD_SHARED_TLS_SETTINGS_H

#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

// The TLS 1.2 ciphers offered by default: forward secrecy and AEAD only, the set of Mozilla's
// "intermediate" list (ECDHE or DHE key exchange with AES-GCM or ChaCha20-Poly1305), written
// short so a config dump keeps it on one line. TLS 1.3's suites are OpenSSL's defaults, all
// of them modern.
inline constexpr std::string_view kDefaultCipherSuite =
    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!DSS";

// A host's certificate (PEM; its chain follows it in the same file, as Apache 2.4.8 and later
// take it) and private key, with where they were set, for the errors loading finds.
struct TlsCertificate {
    std::string certificate_file;   // "" = none
    std::string key_file;
    std::string origin;             // "FILE:LINE: [SECTION] SSLCertificateFile"
    std::string stapling_file;      // SSLStaplingFile: "" = no OCSP stapling
    std::string stapling_origin;    // "FILE:LINE: [SECTION] SSLStaplingFile"
};

struct TlsSettings {
    int min_version = 12;           // TLS 1.2 = 12, TLS 1.3 = 13
    int max_version = 13;
    std::string cipher_suite{kDefaultCipherSuite};
};

// SSLProtocol: "all" (TLS 1.2 and 1.3), "TLSv1.2", "TLSv1.3", each optionally with + or -,
// in order; removing an older protocol (-SSLv3, -TLSv1, -TLSv1.1) is accepted and changes
// nothing, adding one is refused. The result must be a contiguous range of versions.
// False with *problem set otherwise.
bool parse_ssl_protocol(const std::vector<std::string>& words, TlsSettings* out, std::string* problem);

} // namespace mpmd

#endif
