// See ocsp_staple.h.
#include "shared/ocsp_staple.h"

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

namespace mpmd {

namespace {

// A response is a few KB (a signature, a certificate or two); anything far larger is not one.
constexpr std::streamoff kMaxResponseBytes = 1 << 20;

struct ResponseFree {
    void operator()(OCSP_RESPONSE* r) const { OCSP_RESPONSE_free(r); }
    void operator()(OCSP_BASICRESP* r) const { OCSP_BASICRESP_free(r); }
};

// Whether `id` names `certificate`: the same serial, and the hash of its issuer's name in
// the id's own algorithm. (The issuer's key hash would need the issuer's certificate, which
// the chain file need not hold; serial and issuer name identify a certificate.)
bool names_certificate(OCSP_CERTID* id, X509* certificate)
{
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OBJECT* algorithm = nullptr;
    ASN1_INTEGER* serial = nullptr;
    if (OCSP_id_get0_info(&name_hash, &algorithm, nullptr, &serial, id) != 1 || serial == nullptr ||
        name_hash == nullptr)
        return false;
    if (ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(certificate)) != 0)
        return false;
    const EVP_MD* md = EVP_get_digestbyobj(algorithm);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (md == nullptr || X509_NAME_digest(X509_get_issuer_name(certificate), md, digest, &length) != 1)
        return false;
    return int(length) == ASN1_STRING_length(name_hash) &&
           std::memcmp(digest, ASN1_STRING_get0_data(name_hash), length) == 0;
}

time_t time_of(const ASN1_GENERALIZEDTIME* when)
{
    struct tm tm {};
    if (when == nullptr || ASN1_TIME_to_tm(when, &tm) != 1)
        return 0;
    return timegm(&tm);
}

} // namespace

bool load_ocsp_staple(const std::string& path, X509* certificate, time_t now, OcspStaple* out,
                      std::string* problem, std::string* stale)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *problem = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    std::string der((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (std::streamoff(der.size()) > kMaxResponseBytes) {
        *problem = path + " is too large for an OCSP response";
        return false;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<OCSP_RESPONSE, ResponseFree> response(d2i_OCSP_RESPONSE(nullptr, &p, long(der.size())));
    if (!response) {
        *problem = path + " is not a DER OCSP response (openssl ocsp -respout writes one)";
        return false;
    }
    const int status = OCSP_response_status(response.get());
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        *problem = path + ": the responder answered " + OCSP_response_status_str(status) + ", not successful";
        return false;
    }
    std::unique_ptr<OCSP_BASICRESP, ResponseFree> basic(OCSP_response_get1_basic(response.get()));
    if (!basic) {
        *problem = path + " holds no basic OCSP response";
        return false;
    }
    for (int i = 0; i < OCSP_resp_count(basic.get()); ++i) {
        OCSP_SINGLERESP* single = OCSP_resp_get0(basic.get(), i);
        if (!names_certificate(const_cast<OCSP_CERTID*>(OCSP_SINGLERESP_get0_id(single)), certificate))
            continue;
        int reason = 0;
        ASN1_GENERALIZEDTIME* revoked_at = nullptr;
        ASN1_GENERALIZEDTIME* this_update = nullptr;
        ASN1_GENERALIZEDTIME* next_update = nullptr;
        const int cert_status = OCSP_single_get0_status(single, &reason, &revoked_at, &this_update, &next_update);
        if (cert_status != V_OCSP_CERTSTATUS_GOOD) {
            *problem = path + " says the certificate is " + OCSP_cert_status_str(cert_status) +
                       (cert_status == V_OCSP_CERTSTATUS_REVOKED ? ": replace the certificate" : "");
            return false;
        }
        out->der = std::move(der);
        out->next_update = time_of(next_update);
        stale->clear();
        if (!out->fresh_at(now))
            *stale = path + " is past its nextUpdate: it is not stapled until renewed (openssl ocsp ... "
                            "-respout, then mpmd -k graceful)";
        return true;
    }
    *problem = path + " is not a response for this certificate (its serial and issuer are in none of its entries)";
    return false;
}

} // namespace mpmd
