// OcspStaple: an OCSP response (RFC 6960) for a server certificate, read from a file the
// administrator keeps fresh (SSLStaplingFile, as nginx's ssl_stapling_file), that the server
// hands to a client asking for it in the handshake (status_request, RFC 6066 section 8), so
// the client need not ask the CA's responder itself. mpmd does not fetch responses: the
// master makes no outbound connections, and a cron job (`openssl ocsp ... -respout FILE`)
// then a graceful restart does the fetching. The file is checked when the master builds a
// generation: a successful response, one of whose entries is this certificate's (serial and
// issuer name) with status good. Its signature is the client's to check, as nginx leaves it.
// A response past its nextUpdate is not stapled (browsers refuse an old one; no staple is
// merely a lookup), at load and at each handshake after.
// Runs in: master (load), children (fresh_at, in the handshake).
// Leans on: OpenSSL d2i_OCSP_RESPONSE(3), OCSP_resp_get0(3), OCSP_id_get0_info(3),
// OCSP_single_get0_status(3), ASN1_TIME_to_tm(3).
#ifndef MPMD_SHARED_OCSP_STAPLE_H
#define MPMD_SHARED_OCSP_STAPLE_H

#include <ctime>
#include <string>

typedef struct x509_st X509;

namespace mpmd {

struct OcspStaple {
    std::string der;          // the response as the client gets it; "" = nothing to staple
    time_t next_update = 0;   // when a newer response is due; 0 = none given (always fresh)

    bool fresh_at(time_t now) const { return !der.empty() && (next_update == 0 || now < next_update); }
};

// Reads the DER response at `path` and checks it is for `certificate` and says good.
// false, with *problem ("not a DER OCSP response", "says the certificate is revoked", ...),
// when it cannot be used; a usable one past its nextUpdate at `now` is loaded, with
// *stale set to say so (the caller warns: it will not be stapled).
bool load_ocsp_staple(const std::string& path, X509* certificate, time_t now, OcspStaple* out,
                      std::string* problem, std::string* stale);

} // namespace mpmd

#endif
