// Unit tests for RequestReadTimeout (parse, format) and ReadDeadline (the rate arithmetic),
// and the directive through a whole config load (file:line errors, the default).
// Runs in: the unit-test process only.
#include "config_test_support.h"
#include "shared/request_read_timeout.h"

#include <cppunit/extensions/HelperMacros.h>

#include <climits>

namespace mpmd {

namespace {

RequestReadTimeout parsed(const std::vector<std::string>& words)
{
    std::string problem;
    const std::optional<RequestReadTimeout> value = RequestReadTimeout::parse(words, &problem);
    CPPUNIT_ASSERT_MESSAGE(problem, value.has_value());
    return *value;
}

std::string problem_of(const std::vector<std::string>& words)
{
    std::string problem;
    CPPUNIT_ASSERT(!RequestReadTimeout::parse(words, &problem).has_value());
    return problem;
}

} // namespace

class RequestReadTimeoutTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RequestReadTimeoutTest);
    CPPUNIT_TEST(default_is_apaches);
    CPPUNIT_TEST(parses_stages);
    CPPUNIT_TEST(unnamed_stage_keeps_default);
    CPPUNIT_TEST(zero_disables);
    CPPUNIT_TEST(rejects_bad_values);
    CPPUNIT_TEST(deadline_without_rate);
    CPPUNIT_TEST(deadline_extends_by_rate_up_to_max);
    CPPUNIT_TEST(deadline_without_max_extends_freely);
    CPPUNIT_TEST(inactive_deadline_never_expires);
    CPPUNIT_TEST(config_default_and_value);
    CPPUNIT_TEST(config_error_names_line_and_syntax);
    CPPUNIT_TEST_SUITE_END();

public:
    void default_is_apaches()
    {
        const RequestReadTimeout value;
        CPPUNIT_ASSERT_EQUAL(std::string(kRequestReadTimeoutDefault), value.format());
        std::vector<std::string> words{"header=20-40,MinRate=500", "body=20,MinRate=500"};
        CPPUNIT_ASSERT(parsed(words).header == value.header);
        CPPUNIT_ASSERT(parsed(words).body == value.body);
    }

    void parses_stages()
    {
        const RequestReadTimeout v = parsed({"Header=5-10,minrate=100", "BODY=7"});
        CPPUNIT_ASSERT_EQUAL(5, v.header.timeout);
        CPPUNIT_ASSERT_EQUAL(10, v.header.max_timeout);
        CPPUNIT_ASSERT_EQUAL(100LL, v.header.min_rate);
        CPPUNIT_ASSERT_EQUAL(7, v.body.timeout);
        CPPUNIT_ASSERT_EQUAL(0, v.body.max_timeout);
        CPPUNIT_ASSERT_EQUAL(0LL, v.body.min_rate);
        CPPUNIT_ASSERT_EQUAL(std::string("header=5-10,MinRate=100 body=7"), v.format());
    }

    void unnamed_stage_keeps_default()
    {
        const RequestReadTimeout v = parsed({"header=3"});
        CPPUNIT_ASSERT_EQUAL(3, v.header.timeout);
        CPPUNIT_ASSERT(v.body == RequestReadTimeout().body);
    }

    void zero_disables()
    {
        const RequestReadTimeout v = parsed({"header=0", "body=0"});
        CPPUNIT_ASSERT(!v.header.enabled());
        CPPUNIT_ASSERT(!v.body.enabled());
        CPPUNIT_ASSERT_EQUAL(std::string("header=0 body=0"), v.format());
    }

    void rejects_bad_values()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("header: a timeout range needs MinRate"), problem_of({"header=20-40"}));
        CPPUNIT_ASSERT_EQUAL(std::string("header: maxtimeout must be larger than the timeout"),
                             problem_of({"header=40-20,MinRate=500"}));
        CPPUNIT_ASSERT(problem_of({"body=5,MinRate=0"}).find("above 0") != std::string::npos);
        CPPUNIT_ASSERT(problem_of({"body=-5"}).find("not a number of seconds") != std::string::npos);
        CPPUNIT_ASSERT(problem_of({"body=x"}).find("\"x\"") != std::string::npos);
        CPPUNIT_ASSERT(problem_of({"header=5,Rate=9"}).find("unknown option") != std::string::npos);
        CPPUNIT_ASSERT(problem_of({"handshake=5"}).find("unknown stage") != std::string::npos);
        CPPUNIT_ASSERT(problem_of({"header"}).find("stage=value") != std::string::npos);
        CPPUNIT_ASSERT(problem_of({"header=1", "header=2"}).find("twice") != std::string::npos);
        CPPUNIT_ASSERT(problem_of({"header=86401"}).find("0..86400") != std::string::npos);
    }

    void deadline_without_rate()
    {
        ReadDeadline d(ReadTimeoutStage{5, 0, 0}, 1000);
        CPPUNIT_ASSERT(d.active());
        d.add_bytes(1000000);
        CPPUNIT_ASSERT_EQUAL(int64_t(6000), d.at_ms());
        CPPUNIT_ASSERT(!d.expired(5999));
        CPPUNIT_ASSERT(d.expired(6000));
    }

    void deadline_extends_by_rate_up_to_max()
    {
        ReadDeadline d(ReadTimeoutStage{20, 40, 500}, 0);
        CPPUNIT_ASSERT_EQUAL(int64_t(20000), d.at_ms());
        d.add_bytes(250);   // half a second
        CPPUNIT_ASSERT_EQUAL(int64_t(20500), d.at_ms());
        d.add_bytes(250);
        CPPUNIT_ASSERT_EQUAL(int64_t(21000), d.at_ms());
        d.add_bytes(500 * 18);   // 19 s earned: 39 s
        CPPUNIT_ASSERT_EQUAL(int64_t(39000), d.at_ms());
        d.add_bytes(10000);      // capped at maxtimeout
        CPPUNIT_ASSERT_EQUAL(int64_t(40000), d.at_ms());
        CPPUNIT_ASSERT(d.expired(40000));
    }

    void deadline_without_max_extends_freely()
    {
        ReadDeadline d(ReadTimeoutStage{20, 0, 500}, 100);
        d.add_bytes(500 * 100);
        CPPUNIT_ASSERT_EQUAL(int64_t(100 + 120000), d.at_ms());
    }

    void inactive_deadline_never_expires()
    {
        ReadDeadline none;
        CPPUNIT_ASSERT(!none.active());
        CPPUNIT_ASSERT_EQUAL(INT64_MAX, none.at_ms());
        CPPUNIT_ASSERT(!none.expired(INT64_MAX));
        ReadDeadline disabled(ReadTimeoutStage{}, 0);
        CPPUNIT_ASSERT(!disabled.active());
        CPPUNIT_ASSERT(!disabled.expired(1LL << 40));
    }

    void config_default_and_value()
    {
        config_test::ServerRootDir dir;
        const LoadedConfig plain = dir.load("");
        CPPUNIT_ASSERT_MESSAGE(plain.errors.empty() ? "" : plain.errors.front().str(), plain.errors.empty());
        CPPUNIT_ASSERT_EQUAL(std::string(kRequestReadTimeoutDefault), plain.server.request_read_timeout.format());
        const LoadedConfig set = dir.load("RequestReadTimeout = header=2-4,MinRate=100 body=0\n");
        CPPUNIT_ASSERT(set.errors.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("header=2-4,MinRate=100 body=0"), set.server.request_read_timeout.format());
    }

    void config_error_names_line_and_syntax()
    {
        config_test::ServerRootDir dir;
        const LoadedConfig bad = dir.load("Timeout = 5\nRequestReadTimeout = header=10-5,MinRate=1\n");
        CPPUNIT_ASSERT_EQUAL(size_t(1), bad.errors.size());
        const std::string text = bad.errors.front().str();
        const std::string where = dir.conf() + ":" + std::to_string(config_test::ServerRootDir::kBaseLines + 2) + ":";
        CPPUNIT_ASSERT_MESSAGE(text, text.find(where) == 0);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("[server] RequestReadTimeout: header: maxtimeout") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find(std::string("allowed: ") + std::string(kRequestReadTimeoutSyntax)) !=
                                         std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestReadTimeoutTest);

} // namespace mpmd
