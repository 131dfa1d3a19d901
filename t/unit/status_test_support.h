// Test support for the status runner (t/unit/status_tests): a hand-built scoreboard with
// fixed times (a prefork server of four slots, or an event server of two processes of two
// threads), the StatusServerInfo that goes with it, and a strict JSON syntax check.
// Runs in: the unit-test process only. Leans on: scoreboard.h (Scoreboard::create,
// WorkerReport), setenv(3)/tzset(3) so that times print in UTC.
#ifndef MPMD_T_UNIT_STATUS_TEST_SUPPORT_H
#define MPMD_T_UNIT_STATUS_TEST_SUPPORT_H

#include "shared/scoreboard.h"
#include "shared/status/status_snapshot.h"

#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

namespace mpmd::status_test {

// Tuesday, 05-Mar-2024 10:00:00 UTC, in microseconds.
constexpr int64_t kStart = 1709632800LL * 1000000;
constexpr int64_t kSecond = 1000000;
// 1 hour 2 minutes 5 seconds after the start.
constexpr int64_t kNow = kStart + 3725 * kSecond;

inline void use_utc()
{
    setenv("TZ", "UTC", 1);
    tzset();
}

inline void serve(WorkerScore& record, std::string_view request, uint64_t bytes)
{
    WorkerReport report(record);
    report.request_started(request, "www.example.org");
    report.request_finished(bytes);
}

// Slot 0: pid 101, one worker writing its third request ("GET /x HTTP/1.1" after two of
// 1500 and 600 bytes). Slot 1: pid 102, ready after one request of 3000 bytes. Slot 2: open,
// never used. Slot 3: beyond max_processes (3), so not on the scoreboard line.
// Totals: 3 accesses, 5100 bytes (4 kB). restart_count 2, generation 2, restarted at +600 s.
inline std::unique_ptr<Scoreboard> prefork_board()
{
    auto board = Scoreboard::create(4, 1);
    GlobalScore& g = board->global();
    g.start_time = kStart;
    g.restart_time = kStart + 600 * kSecond;
    g.restart_count = 2;
    g.running_generation = 2;
    board->process_started(0, 101, 2);
    board->process_started(1, 102, 2);
    WorkerReport first(board->worker(0, 0));
    first.start(101, 2);
    first.connection_started("192.0.2.7");
    serve(board->worker(0, 0), "GET /a HTTP/1.1", 1500);
    serve(board->worker(0, 0), "GET /b HTTP/1.1", 600);
    first.request_started("GET /x HTTP/1.1", "www.example.org");
    WorkerReport second(board->worker(1, 0));
    second.start(102, 2);
    second.connection_started("2001:db8::5");
    serve(board->worker(1, 0), "GET / HTTP/1.1", 3000);
    second.set_status(WorkerStatus::Ready);
    for (uint32_t slot = 0; slot < 2; ++slot) {
        WorkerScore& w = board->worker(slot, 0);
        w.start_time = kNow - 2 * kSecond;
        w.stop_time = slot == 0 ? 0 : kNow - 2 * kSecond + 45000;
        w.last_used = kNow - 2 * kSecond;
    }
    // Fixed request times (the real ones above took microseconds): 115.5 ms in all.
    board->worker(0, 0).duration = 70500;
    board->worker(1, 0).duration = 45000;
    return board;
}

inline StatusServerInfo prefork_info()
{
    StatusServerInfo info;
    info.server_name = "localhost";
    info.server_version = "mpmd/0.1.0 (Unix)";
    info.server_built = "Mar  5 2024 09:00:00";
    info.mpm_name = "prefork";
    info.now = kNow;
    info.max_processes = 3;
    info.threads_per_child = 1;
    info.read_system = false;
    return info;
}

inline StatusSnapshot prefork_snapshot()
{
    auto board = prefork_board();
    StatusSnapshot s = take_status_snapshot(*board, prefork_info());
    s.load = std::array<double, 3>{0.5, 0.25, 1.0};
    return s;
}

// Two event processes of two threads: slot 0 (pid 201, current generation 1) has a thread
// reading and one ready and holds 3 idle connections, 1 of them lingering; slot 1 (pid 202, generation 0) is
// quiescing with one thread finishing gracefully and one dead.
inline StatusSnapshot event_snapshot()
{
    auto board = Scoreboard::create(2, 2);
    GlobalScore& g = board->global();
    g.start_time = g.restart_time = kStart;
    g.running_generation = 1;
    g.mpm_threaded = 1;
    board->process_started(0, 201, 1);
    board->process_started(1, 202, 0);
    board->set_quiescing(1);
    board->process(0).connections = 3;
    board->process(0).lingering = 1;
    WorkerReport(board->worker(0, 0)).start(201, 1);
    WorkerReport(board->worker(0, 0)).set_status(WorkerStatus::Reading);
    WorkerReport(board->worker(0, 1)).start(201, 1);
    WorkerReport(board->worker(0, 1)).set_status(WorkerStatus::Ready);
    WorkerReport(board->worker(1, 0)).start(202, 0);
    WorkerReport(board->worker(1, 0)).set_status(WorkerStatus::Graceful);
    StatusServerInfo info = prefork_info();
    info.mpm_name = "event";
    info.threaded = info.async = true;
    info.max_processes = 2;
    info.threads_per_child = 2;
    return take_status_snapshot(*board, info);
}

// A strict RFC 8259 syntax check (no semantic checks): true when `text` is one JSON value
// with nothing but whitespace around it.
class JsonChecker {
public:
    static bool valid(std::string_view text)
    {
        JsonChecker c{text};
        return c.value() && (c.skip(), c.at_ == text.size());
    }

private:
    explicit JsonChecker(std::string_view text) : text_(text) {}
    void skip()
    {
        while (at_ < text_.size() && std::string_view(" \t\r\n").find(text_[at_]) != std::string_view::npos)
            ++at_;
    }
    bool eat(char c)
    {
        skip();
        if (at_ < text_.size() && text_[at_] == c) {
            ++at_;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word)
    {
        if (text_.substr(at_, word.size()) != word)
            return false;
        at_ += word.size();
        return true;
    }
    bool string()
    {
        if (!eat('"'))
            return false;
        while (at_ < text_.size()) {
            const unsigned char c = static_cast<unsigned char>(text_[at_++]);
            if (c == '"')
                return true;
            if (c < 0x20 || c >= 0x80)   // our documents are ASCII
                return false;
            if (c == '\\') {
                if (at_ >= text_.size())
                    return false;
                const char e = text_[at_++];
                if (e == 'u') {
                    for (int i = 0; i < 4; ++i)
                        if (at_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[at_++])))
                            return false;
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    return false;
                }
            }
        }
        return false;
    }
    bool number()
    {
        const size_t start = at_;
        if (at_ < text_.size() && text_[at_] == '-')
            ++at_;
        while (at_ < text_.size() && std::string_view("0123456789.eE+-").find(text_[at_]) != std::string_view::npos)
            ++at_;
        return at_ > start && std::isdigit(static_cast<unsigned char>(text_[at_ - 1]));
    }
    bool value()
    {
        skip();
        if (at_ >= text_.size())
            return false;
        const char c = text_[at_];
        if (c == '{') {
            ++at_;
            if (eat('}'))
                return true;
            do {
                skip();
                if (!string() || !eat(':') || !value())
                    return false;
            } while (eat(','));
            return eat('}');
        }
        if (c == '[') {
            ++at_;
            if (eat(']'))
                return true;
            do {
                if (!value())
                    return false;
            } while (eat(','));
            return eat(']');
        }
        if (c == '"')
            return string();
        if (c == 't')
            return literal("true");
        if (c == 'f')
            return literal("false");
        if (c == 'n')
            return literal("null");
        return number();
    }

    std::string_view text_;
    size_t at_ = 0;
};

} // namespace mpmd::status_test

#endif
