// The request API: query words, refresh defaults and bounds, content types, the metrics
// flavor from Accept, and render_status's dispatch.
#include "shared/status/status_page.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mpmd;
using namespace mpmd::status_test;

class StatusPageTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusPageTest);
    CPPUNIT_TEST(query_words);
    CPPUNIT_TEST(refresh_values);
    CPPUNIT_TEST(content_types);
    CPPUNIT_TEST(flavor_from_accept);
    CPPUNIT_TEST(dispatch);
    CPPUNIT_TEST_SUITE_END();

public:
    void query_words()
    {
        CPPUNIT_ASSERT(parse_status_query("").format == StatusFormat::Html);
        CPPUNIT_ASSERT(parse_status_query("auto").format == StatusFormat::Auto);
        CPPUNIT_ASSERT(parse_status_query("json").format == StatusFormat::Json);
        CPPUNIT_ASSERT(parse_status_query("metrics").format == StatusFormat::Metrics);
        CPPUNIT_ASSERT(parse_status_query("x=1&auto&json").format == StatusFormat::Auto);
        CPPUNIT_ASSERT(parse_status_query("notable;metrics").format == StatusFormat::Metrics);
        CPPUNIT_ASSERT(parse_status_query("automatic").format == StatusFormat::Html);
        CPPUNIT_ASSERT_EQUAL(0, parse_status_query("auto").refresh);
    }

    void refresh_values()
    {
        CPPUNIT_ASSERT_EQUAL(6, parse_status_query("refresh=6").refresh);
        CPPUNIT_ASSERT_EQUAL(10, parse_status_query("refresh").refresh);
        CPPUNIT_ASSERT_EQUAL(10, parse_status_query("refresh=0").refresh);
        CPPUNIT_ASSERT_EQUAL(10, parse_status_query("refresh=abc").refresh);
        CPPUNIT_ASSERT_EQUAL(86400, parse_status_query("refresh=999999").refresh);
        CPPUNIT_ASSERT_EQUAL(10, parse_status_query("refresh=99999999999999999999").refresh);
        const StatusRequest both = parse_status_query("auto&refresh=3");
        CPPUNIT_ASSERT(both.format == StatusFormat::Auto);
        CPPUNIT_ASSERT_EQUAL(3, both.refresh);
    }

    void content_types()
    {
        CPPUNIT_ASSERT_EQUAL(std::string_view("text/html; charset=ISO-8859-1"),
                             status_content_type(StatusFormat::Html));
        CPPUNIT_ASSERT_EQUAL(std::string_view("text/plain; charset=ISO-8859-1"),
                             status_content_type(StatusFormat::Auto));
        CPPUNIT_ASSERT_EQUAL(std::string_view("application/json"),
                             status_content_type(StatusFormat::Json));
        CPPUNIT_ASSERT_EQUAL(std::string_view("application/openmetrics-text; version=1.0.0; charset=utf-8"),
                             status_content_type(StatusFormat::Metrics));
        CPPUNIT_ASSERT_EQUAL(std::string_view("text/plain; version=0.0.4; charset=utf-8"),
                             status_content_type(StatusFormat::Metrics, MetricsFlavor::Prometheus));
    }

    void flavor_from_accept()
    {
        CPPUNIT_ASSERT(metrics_flavor_for(
                           "application/openmetrics-text;version=1.0.0;q=0.5,"
                           "application/openmetrics-text;version=0.0.1;q=0.4,"
                           "text/plain;version=0.0.4;q=0.3,*/*;q=0.2") == MetricsFlavor::OpenMetrics);
        CPPUNIT_ASSERT(metrics_flavor_for("*/*") == MetricsFlavor::Prometheus);
        CPPUNIT_ASSERT(metrics_flavor_for("") == MetricsFlavor::Prometheus);
    }

    void dispatch()
    {
        use_utc();
        const StatusSnapshot s = prefork_snapshot();
        const StatusOptions options;
        CPPUNIT_ASSERT(render_status(s, StatusFormat::Auto, options).rfind("localhost\nServerVersion: ", 0) == 0);
        CPPUNIT_ASSERT(render_status(s, StatusFormat::Json, options).rfind("{\"server\":", 0) == 0);
        CPPUNIT_ASSERT(render_status(s, StatusFormat::Metrics, options).find("\n# EOF\n") != std::string::npos);
        CPPUNIT_ASSERT(render_status(s, StatusFormat::Html, options).rfind("<!DOCTYPE html>", 0) == 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusPageTest);
