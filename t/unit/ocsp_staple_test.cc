// Unit tests of reading an OCSP response to staple (shared/ocsp_staple.h), with responses
// made here by OpenSSL's API, so that a response past its nextUpdate, one without a
// nextUpdate and a responder's error can be made (openssl ocsp writes only fresh, successful
// ones; t/56-ocsp-stapling.t covers those in a running server).
// Runs in: the unit-test process only.
#include "shared/ocsp_staple.h"

#include <cppunit/extensions/HelperMacros.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace mpmd {

namespace {

constexpr time_t kNow = 1800000000;   // 2027-01-15
constexpr time_t kHour = 3600;

// A self-signed certificate (its own issuer) with `serial`, and its key.
struct Certificate {
    EVP_PKEY* key = nullptr;
    X509* x509 = nullptr;

    explicit Certificate(long serial, const char* name)
    {
        key = EVP_EC_gen("P-256");
        x509 = X509_new();
        ASN1_INTEGER_set(X509_get_serialNumber(x509), serial);
        X509_NAME* subject = X509_get_subject_name(x509);
        X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(name), -1,
                                   -1, 0);
        X509_set_issuer_name(x509, subject);
        time_t now = kNow;
        X509_time_adj_ex(X509_getm_notBefore(x509), 0, 0, &now);
        X509_time_adj_ex(X509_getm_notAfter(x509), 30, 0, &now);
        X509_set_pubkey(x509, key);
        X509_sign(x509, key, EVP_sha256());
    }
    ~Certificate()
    {
        X509_free(x509);
        EVP_PKEY_free(key);
    }
};

// A DER response signed by `signer` for `subject`: `status` for it, thisUpdate now - 1 h,
// nextUpdate at `next_update` (0: none); or only a responder's error when `response_status`
// is not successful.
std::string make_response(const Certificate& subject, const Certificate& signer, int status, time_t next_update,
                          int response_status = OCSP_RESPONSE_STATUS_SUCCESSFUL)
{
    OCSP_RESPONSE* response = nullptr;
    if (response_status == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        OCSP_BASICRESP* basic = OCSP_BASICRESP_new();
        OCSP_CERTID* id = OCSP_cert_to_id(nullptr, subject.x509, subject.x509);
        ASN1_TIME* this_update = ASN1_GENERALIZEDTIME_set(nullptr, kNow - kHour);
        ASN1_TIME* next = next_update != 0 ? ASN1_GENERALIZEDTIME_set(nullptr, next_update) : nullptr;
        ASN1_TIME* revoked_at = status == V_OCSP_CERTSTATUS_REVOKED ? this_update : nullptr;
        OCSP_basic_add1_status(basic, id, status, OCSP_REVOKED_STATUS_KEYCOMPROMISE, revoked_at, this_update, next);
        OCSP_basic_sign(basic, signer.x509, signer.key, EVP_sha256(), nullptr, OCSP_NOCERTS);
        response = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic);
        OCSP_CERTID_free(id);
        ASN1_TIME_free(this_update);
        ASN1_TIME_free(next);
        OCSP_BASICRESP_free(basic);
    } else {
        response = OCSP_response_create(response_status, nullptr);
    }
    unsigned char* der = nullptr;
    const int length = i2d_OCSP_RESPONSE(response, &der);
    std::string out(reinterpret_cast<char*>(der), size_t(length > 0 ? length : 0));
    OPENSSL_free(der);
    OCSP_RESPONSE_free(response);
    return out;
}

// A file holding `bytes`, removed with the object.
struct TempFile {
    std::string path;

    explicit TempFile(const std::string& bytes)
    {
        char name[] = "/tmp/mpmd-ocsp-test-XXXXXX";
        const int fd = mkstemp(name);
        if (fd >= 0)
            close(fd);
        path = name;
        std::ofstream(path, std::ios::binary) << bytes;
    }
    ~TempFile() { unlink(path.c_str()); }
};

struct Loaded {
    bool ok;
    OcspStaple staple;
    std::string problem, stale;
};

Loaded load(const std::string& bytes, const Certificate& certificate, time_t now = kNow)
{
    TempFile file(bytes);
    Loaded out{};
    out.ok = load_ocsp_staple(file.path, certificate.x509, now, &out.staple, &out.problem, &out.stale);
    return out;
}

bool contains(const std::string& text, const char* part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class OcspStapleTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OcspStapleTest);
    CPPUNIT_TEST(good_response_is_stapled_until_next_update);
    CPPUNIT_TEST(response_past_next_update_loads_but_is_not_stapled);
    CPPUNIT_TEST(response_without_next_update_is_always_fresh);
    CPPUNIT_TEST(revoked_unknown_and_other_certificates_are_refused);
    CPPUNIT_TEST(responder_errors_and_garbage_are_refused);
    CPPUNIT_TEST_SUITE_END();

public:
    void good_response_is_stapled_until_next_update()
    {
        Certificate www(1001, "www.example.com");
        const std::string der = make_response(www, www, V_OCSP_CERTSTATUS_GOOD, kNow + kHour);
        const Loaded loaded = load(der, www);
        CPPUNIT_ASSERT_MESSAGE(loaded.problem, loaded.ok);
        CPPUNIT_ASSERT(loaded.stale.empty());
        CPPUNIT_ASSERT(loaded.staple.der == der);   // stapled as the file holds it
        CPPUNIT_ASSERT_EQUAL(kNow + kHour, loaded.staple.next_update);
        CPPUNIT_ASSERT(loaded.staple.fresh_at(kNow));
        CPPUNIT_ASSERT(loaded.staple.fresh_at(kNow + kHour - 1));
        CPPUNIT_ASSERT(!loaded.staple.fresh_at(kNow + kHour));
    }

    void response_past_next_update_loads_but_is_not_stapled()
    {
        Certificate www(1001, "www.example.com");
        const Loaded loaded = load(make_response(www, www, V_OCSP_CERTSTATUS_GOOD, kNow + kHour), www, kNow + 2 * kHour);
        CPPUNIT_ASSERT(loaded.ok);
        CPPUNIT_ASSERT_MESSAGE(loaded.stale, contains(loaded.stale, "is past its nextUpdate: it is not stapled"));
        CPPUNIT_ASSERT(!loaded.staple.fresh_at(kNow + 2 * kHour));
    }

    void response_without_next_update_is_always_fresh()
    {
        Certificate www(1001, "www.example.com");
        const Loaded loaded = load(make_response(www, www, V_OCSP_CERTSTATUS_GOOD, 0), www);
        CPPUNIT_ASSERT(loaded.ok);
        CPPUNIT_ASSERT_EQUAL(time_t(0), loaded.staple.next_update);
        CPPUNIT_ASSERT(loaded.staple.fresh_at(kNow + 1000 * kHour));
        CPPUNIT_ASSERT(!OcspStaple{}.fresh_at(kNow));   // nothing loaded: nothing to staple
    }

    void revoked_unknown_and_other_certificates_are_refused()
    {
        Certificate www(1001, "www.example.com");
        Certificate shop(1002, "shop.example.com");
        Certificate same_serial(1001, "other.example.com");   // another issuer name, same serial
        Loaded loaded = load(make_response(www, www, V_OCSP_CERTSTATUS_REVOKED, kNow + kHour), www);
        CPPUNIT_ASSERT(!loaded.ok);
        CPPUNIT_ASSERT_MESSAGE(loaded.problem, contains(loaded.problem, "says the certificate is revoked"));
        loaded = load(make_response(www, www, V_OCSP_CERTSTATUS_UNKNOWN, kNow + kHour), www);
        CPPUNIT_ASSERT(!loaded.ok);
        CPPUNIT_ASSERT_MESSAGE(loaded.problem, contains(loaded.problem, "says the certificate is unknown"));
        loaded = load(make_response(shop, shop, V_OCSP_CERTSTATUS_GOOD, kNow + kHour), www);
        CPPUNIT_ASSERT(!loaded.ok);
        CPPUNIT_ASSERT_MESSAGE(loaded.problem, contains(loaded.problem, "is not a response for this certificate"));
        loaded = load(make_response(same_serial, same_serial, V_OCSP_CERTSTATUS_GOOD, kNow + kHour), www);
        CPPUNIT_ASSERT_MESSAGE("a serial alone does not name a certificate", !loaded.ok);
        CPPUNIT_ASSERT(loaded.staple.der.empty());
    }

    void responder_errors_and_garbage_are_refused()
    {
        Certificate www(1001, "www.example.com");
        Loaded loaded = load(make_response(www, www, 0, 0, OCSP_RESPONSE_STATUS_TRYLATER), www);
        CPPUNIT_ASSERT(!loaded.ok);
        CPPUNIT_ASSERT_MESSAGE(loaded.problem, contains(loaded.problem, "the responder answered trylater"));
        loaded = load("", www);
        CPPUNIT_ASSERT(!loaded.ok);
        CPPUNIT_ASSERT_MESSAGE(loaded.problem, contains(loaded.problem, "is not a DER OCSP response"));
        std::string truncated = make_response(www, www, V_OCSP_CERTSTATUS_GOOD, kNow + kHour);
        truncated.resize(truncated.size() / 2);
        CPPUNIT_ASSERT(!load(truncated, www).ok);
        OcspStaple staple;
        std::string problem, stale;
        CPPUNIT_ASSERT(!load_ocsp_staple("/nonexistent/www.ocsp", www.x509, kNow, &staple, &problem, &stale));
        CPPUNIT_ASSERT_MESSAGE(problem, contains(problem, "cannot read /nonexistent/www.ocsp: No such file"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OcspStapleTest);

} // namespace mpmd
