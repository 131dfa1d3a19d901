// ?metrics: OpenMetrics and Prometheus 0.0.4 syntax line by line, family naming of counters,
// the figures, label escaping and the closing "# EOF".
#include "shared/status/status_metrics.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <regex>
#include <sstream>

using namespace mpmd;
using namespace mpmd::status_test;

namespace {

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

bool has_line(const std::string& text, const std::string& line)
{
    const std::vector<std::string> lines = lines_of(text);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

} // namespace

class StatusMetricsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusMetricsTest);
    CPPUNIT_TEST(every_line_is_well_formed);
    CPPUNIT_TEST(open_metrics_names_families);
    CPPUNIT_TEST(prometheus_names_samples);
    CPPUNIT_TEST(optional_families);
    CPPUNIT_TEST_SUITE_END();

public:
    void every_line_is_well_formed()
    {
        const std::regex comment(R"(# (HELP|TYPE) mpmd_[a-z_]+ \S.*)");
        const std::regex sample(
            R"(mpmd_[a-z_]+(\{[a-z_]+="([^"\\\n]|\\.)*"(,[a-z_]+="([^"\\\n]|\\.)*")*\})? -?[0-9][0-9.e+-]*)");
        StatusSnapshot s = event_snapshot();
        s.server.mpm_name = "ev\"en\\t\n";
        s.has_cpu = true;
        s.load = std::array<double, 3>{0.5, 0.25, 1.0};
        for (MetricsFlavor flavor : {MetricsFlavor::OpenMetrics, MetricsFlavor::Prometheus}) {
            StatusOptions options;
            options.metrics = flavor;
            const std::string text = render_status_metrics(s, options);
            const std::vector<std::string> lines = lines_of(text);
            CPPUNIT_ASSERT(text.back() == '\n');
            for (size_t i = 0; i < lines.size(); ++i) {
                const std::string& line = lines[i];
                const bool eof = line == "# EOF" && i + 1 == lines.size();
                CPPUNIT_ASSERT_MESSAGE(line, eof || std::regex_match(line, comment) ||
                                                 std::regex_match(line, sample));
            }
            CPPUNIT_ASSERT_EQUAL(flavor == MetricsFlavor::OpenMetrics, lines.back() == "# EOF");
            CPPUNIT_ASSERT(text.find("mpm=\"ev\\\"en\\\\t\\n\"") != std::string::npos);
            CPPUNIT_ASSERT(has_line(text, "mpmd_connections{state=\"keepalive\"} 2"));
            CPPUNIT_ASSERT(has_line(text, "mpmd_connections{state=\"closing\"} 1"));
        }
    }

    void open_metrics_names_families()
    {
        const std::string text = render_status_metrics(prefork_snapshot(), StatusOptions());
        CPPUNIT_ASSERT(has_line(text, "# TYPE mpmd_accesses counter"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_accesses_total 3"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_sent_bytes_total 5100"));
        CPPUNIT_ASSERT(has_line(text, "# TYPE mpmd_build info"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_build_info{version=\"0.1.0\",mpm=\"prefork\"} 1"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_uptime_seconds 3725"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_start_time_seconds 1709632800"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_generation{type=\"config\"} 3"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_workers{state=\"busy\"} 1"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_workers{state=\"idle\"} 1"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_scoreboard{state=\"reply\"} 1"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_scoreboard{state=\"open_slot\"} 1"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_scoreboard{state=\"dns\"} 0"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_load{interval=\"15min\"} 1"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_processes{state=\"all\"} 2"));
    }

    void prometheus_names_samples()
    {
        StatusOptions options;
        options.metrics = MetricsFlavor::Prometheus;
        const std::string text = render_status_metrics(prefork_snapshot(), options);
        CPPUNIT_ASSERT(has_line(text, "# TYPE mpmd_accesses_total counter"));
        CPPUNIT_ASSERT(has_line(text, "# TYPE mpmd_build_info gauge"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_accesses_total 3"));
        CPPUNIT_ASSERT(text.find("# EOF") == std::string::npos);
    }

    void optional_families()
    {
        StatusSnapshot s = prefork_snapshot();
        s.load.reset();
        std::string text = render_status_metrics(s, StatusOptions());
        CPPUNIT_ASSERT(text.find("mpmd_cpu_seconds") == std::string::npos);
        CPPUNIT_ASSERT(text.find("mpmd_load") == std::string::npos);
        CPPUNIT_ASSERT(has_line(text, "mpmd_request_duration_seconds_total 0.115"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_log_lines_lost_total{log=\"error\"} 0"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_logs_failing 0"));
        s.has_cpu = true;
        s.master_cpu = {250, 50, 100, 0};
        s.total_duration_ms = 1500;
        text = render_status_metrics(s, StatusOptions());
        CPPUNIT_ASSERT(has_line(text, "mpmd_cpu_seconds_total{mode=\"user\"} 2.5"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_cpu_seconds_total{mode=\"children_user\"} 1"));
        CPPUNIT_ASSERT(has_line(text, "mpmd_request_duration_seconds_total 1.5"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusMetricsTest);
