// ?json: a valid document whatever the client sent, stable field names, the same figures.
#include "shared/status/status_json.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstring>

using namespace mpmd;
using namespace mpmd::status_test;

class StatusJsonTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusJsonTest);
    CPPUNIT_TEST(document_holds_the_figures);
    CPPUNIT_TEST(hostile_request_lines_are_escaped);
    CPPUNIT_TEST(extended_off_hides_client_text);
    CPPUNIT_TEST_SUITE_END();

public:
    void document_holds_the_figures()
    {
        const std::string json = render_status_json(prefork_snapshot(), StatusOptions());
        CPPUNIT_ASSERT(JsonChecker::valid(json));
        CPPUNIT_ASSERT(json.rfind("{\"server\":{\"name\":\"localhost\",\"version\":\"mpmd/0.1.0 (Unix)\"", 0) == 0);
        for (const char* piece :
             {"\"uptime_seconds\":3725", "\"total_accesses\":3", "\"total_bytes\":5100",
              "\"total_kbytes\":4", "\"total_duration_ms\":115", "\"error_log_lines_lost\":0", "\"logs_failing\":0", "\"busy_workers\":1",
              "\"idle_workers\":1", "\"scoreboard\":\"W_.\"", "\"load\":[0.5,0.25,1]",
              "\"start_time\":1709632800,", "\"restart_time\":1709633400,",
              "\"config_generation\":3", "\"mpm_generation\":2", "\"cpu_seconds\":null",
              "\"processes\":[{\"slot\":0,\"pid\":101,\"generation\":2,\"quiescing\":false",
              "\"workers\":[{\"slot\":0,\"thread\":0,\"status\":\"W\",\"state\":\"reply\",\"pid\":101",
              "\"accesses_connection\":2,\"accesses_child\":2,\"accesses_slot\":2",
              "\"bytes_slot\":2100", "\"seconds_since_last_used\":2",
              "\"client\":\"192.0.2.7\",\"vhost\":\"www.example.org\",\"request\":\"GET /x HTTP/1.1\"",
              "\"request_ms\":45"})
            CPPUNIT_ASSERT_MESSAGE(piece, json.find(piece) != std::string::npos);
        const std::string event = render_status_json(event_snapshot(), StatusOptions());
        CPPUNIT_ASSERT(JsonChecker::valid(event));
        for (const char* piece : {"\"connections_async_keep_alive\":2,\"connections_async_closing\":1",
                                  "\"async_connections\":3,\"async_closing\":1"})
            CPPUNIT_ASSERT_MESSAGE(piece, event.find(piece) != std::string::npos);
    }

    void hostile_request_lines_are_escaped()
    {
        auto board = prefork_board();
        WorkerReport(board->worker(0, 0))
            .request_started("GET /\"}],\\x\x01\t\xff\xc3\xa9 HTTP/1.1", "v\"host");
        const std::string json =
            render_status_json(take_status_snapshot(*board, prefork_info()), StatusOptions());
        CPPUNIT_ASSERT(JsonChecker::valid(json));
        CPPUNIT_ASSERT(json.find("\"request\":\"GET /\\\"}],\\\\x\\u0001\\u0009\\u00ff\\u00c3\\u00a9 HTTP/1.1\"") !=
                       std::string::npos);
        CPPUNIT_ASSERT(json.find("\"vhost\":\"v\\\"host\"") != std::string::npos);
    }

    void extended_off_hides_client_text()
    {
        StatusOptions options;
        options.extended_status = false;
        const std::string json = render_status_json(prefork_snapshot(), options);
        CPPUNIT_ASSERT(JsonChecker::valid(json));
        CPPUNIT_ASSERT(json.find("\"client\":null,\"vhost\":null,\"request\":null") != std::string::npos);
        CPPUNIT_ASSERT(json.find("192.0.2.7") == std::string::npos);
        CPPUNIT_ASSERT(!JsonChecker::valid("{\"a\":1,}"));
        CPPUNIT_ASSERT(!JsonChecker::valid("{\"a\":\"\x01\"}"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusJsonTest);
