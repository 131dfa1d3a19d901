// Unit tests of the TLS settings as the config states them (shared/tls_settings.h):
// SSLProtocol's words in Apache's syntax, what a Listen marked https needs and where the
// errors point, and the https flag's combinations.
// Runs in: the unit-test process only.
#include "config_test_support.h"
#include "shared/tls_settings.h"

#include <config.h>   // HAVE_OPENSSL

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

namespace mpmd {

using config_test::ServerRootDir;

class TlsSettingsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TlsSettingsTest);
    CPPUNIT_TEST(ssl_protocol_words);
    CPPUNIT_TEST(https_listen_needs_a_certificate_per_host);
    CPPUNIT_TEST_SUITE_END();

    static std::string versions(const std::vector<std::string>& words)
    {
        TlsSettings settings;
        std::string problem;
        if (!parse_ssl_protocol(words, &settings, &problem))
            return "error: " + problem;
        return std::to_string(settings.min_version) + "-" + std::to_string(settings.max_version);
    }

public:
    void ssl_protocol_words()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("12-13"), versions({"all"}));
        CPPUNIT_ASSERT_EQUAL(std::string("12-13"), versions({"all", "-SSLv3", "-TLSv1", "-TLSv1.1"}));
        CPPUNIT_ASSERT_EQUAL(std::string("13-13"), versions({"TLSv1.3"}));
        CPPUNIT_ASSERT_EQUAL(std::string("13-13"), versions({"all", "-TLSv1.2"}));
        CPPUNIT_ASSERT_EQUAL(std::string("12-12"), versions({"tlsv1.2"}));
        CPPUNIT_ASSERT_EQUAL(std::string("12-13"), versions({"TLSv1.2", "+TLSv1.3"}));
        CPPUNIT_ASSERT(versions({"all", "+TLSv1.1"}).find("TLSv1.1 is not offered") != std::string::npos);
        CPPUNIT_ASSERT(versions({"SSLv2"}).find("\"SSLv2\" is not a protocol") != std::string::npos);
        CPPUNIT_ASSERT(versions({"all", "-TLSv1.2", "-TLSv1.3"}).find("no protocol is left") != std::string::npos);
    }

    void https_listen_needs_a_certificate_per_host()
    {
        ServerRootDir dir;
        const int n = ServerRootDir::kBaseLines;
        const LoadedConfig ok = dir.load("Listen = 443 https\nSSLCertificateFile = a.crt\nSSLCertificateKeyFile = a.key\n"
                                         "[vhost:b]\nServerName = b.example\nDocumentRoot = htdocs\n"
                                         "SSLCertificateFile = b.crt\nSSLCertificateKeyFile = b.key\n");
#if HAVE_OPENSSL
        CPPUNIT_ASSERT_EQUAL(std::string(), config_test::joined(ok.errors));
#else
        CPPUNIT_ASSERT_EQUAL(dir.conf() + ":" + std::to_string(n + 1) + ": [server] Listen: *:443 https: this mpmd was "
                                               "built without OpenSSL (install libssl-dev and configure --with-openssl)\n",
                             config_test::joined(ok.errors));
#endif
        CPPUNIT_ASSERT(ok.server.any_https && ok.server.listen[0].https);
        CPPUNIT_ASSERT_EQUAL(dir.file("b.crt"), ok.server.vhosts[0].certificate.certificate_file);
        CPPUNIT_ASSERT(ok.server.vhosts[0].certificate.origin.find(":" + std::to_string(n + 7) +
                                                                    ": [vhost:b] SSLCertificateFile") !=
                       std::string::npos);

        const LoadedConfig bad = dir.load("Listen = 443 https proxy\n[vhost:b]\nServerName = b.example\n"
                                          "DocumentRoot = htdocs\n");
        const std::string text = config_test::joined(bad.errors);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("not supported") == std::string::npos);   // https and proxy go together
        CPPUNIT_ASSERT_MESSAGE(text, text.find(":" + std::to_string(n + 2) + ": [vhost:b] SSLCertificateFile: a Listen "
                                               "marked https needs") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("TrustedProxy") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsSettingsTest);

} // namespace mpmd
