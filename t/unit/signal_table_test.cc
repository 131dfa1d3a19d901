// The master's signal table (signal_table.h) and what is derived from it: the -k verbs and
// -h, the signals the master blocks and handles (the table's and INT), and the SIGNALS table
// of mpmd(8) as tbl(1) rows that mandoc lints without a word.
#include "log_test_support.h"   // test::TempDir
#include "master/command_line.h"
#include "master/signal_table.h"

#include <cppunit/extensions/HelperMacros.h>

#include "mandoc_lint.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

using namespace mpmd;

class SignalTableTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SignalTableTest);
    CPPUNIT_TEST(rows_are_distinct_and_found_by_verb_and_number);
    CPPUNIT_TEST(docs_hold_only_what_the_roff_can_carry);
    CPPUNIT_TEST(master_signals_are_the_table_and_int);
    CPPUNIT_TEST(blocked_signals_are_master_signals);
    CPPUNIT_TEST(usage_lists_every_verb);
    CPPUNIT_TEST(roff_has_a_row_per_signal);
    CPPUNIT_TEST(roff_passes_mandoc_lint);
    CPPUNIT_TEST_SUITE_END();

public:
    void rows_are_distinct_and_found_by_verb_and_number()
    {
        std::set<int> numbers;
        std::set<std::string_view> names, verbs;
        for (const MasterSignal& s : kMasterSignals) {
            numbers.insert(s.signal);
            names.insert(s.name);
            verbs.insert(s.verb);
            CPPUNIT_ASSERT(signal_for_verb(s.verb) == &s);
            CPPUNIT_ASSERT(signal_for_number(s.signal) == &s);
        }
        CPPUNIT_ASSERT_EQUAL(std::size(kMasterSignals), numbers.size());
        CPPUNIT_ASSERT_EQUAL(std::size(kMasterSignals), names.size());
        CPPUNIT_ASSERT_EQUAL(std::size(kMasterSignals), verbs.size());
        CPPUNIT_ASSERT(signal_for_verb("start") == nullptr);   // starts a server, sends nothing
        CPPUNIT_ASSERT(signal_for_number(SIGINT) == nullptr);
        CPPUNIT_ASSERT(signal_for_number(SIGCHLD) == nullptr);
    }

    void docs_hold_only_what_the_roff_can_carry()
    {
        for (const MasterSignal& s : kMasterSignals) {
            const std::string what(s.name);
            CPPUNIT_ASSERT_MESSAGE(what, !s.effect.empty() && !s.doc.empty());
            CPPUNIT_ASSERT_MESSAGE(what, s.effect.find_first_of("\t\n\\*:") == std::string_view::npos);
            CPPUNIT_ASSERT_MESSAGE(what, s.doc.find_first_of("\t\n\\") == std::string_view::npos);
            CPPUNIT_ASSERT_MESSAGE(what, std::count(s.doc.begin(), s.doc.end(), '*') % 2 == 0);
            CPPUNIT_ASSERT_MESSAGE(what, s.doc.back() == '.');
        }
    }

    void master_signals_are_the_table_and_int()
    {
        const std::vector<int> signals = master_signals();
        std::set<int> expected{SIGINT};
        for (const MasterSignal& s : kMasterSignals)
            expected.insert(s.signal);
        CPPUNIT_ASSERT(std::set<int>(signals.begin(), signals.end()) == expected);
        CPPUNIT_ASSERT_EQUAL(expected.size(), signals.size());
    }

    void blocked_signals_are_master_signals()
    {
        sigset_t before;
        sigprocmask(SIG_SETMASK, nullptr, &before);
        block_master_signals();
        sigset_t blocked;
        sigprocmask(SIG_SETMASK, nullptr, &blocked);
        unblock_master_signals();
        sigprocmask(SIG_SETMASK, &before, nullptr);
        for (int signal : master_signals())
            CPPUNIT_ASSERT(sigismember(&blocked, signal) == 1);
        CPPUNIT_ASSERT(sigismember(&blocked, SIGCHLD) == sigismember(&before, SIGCHLD));
    }

    void usage_lists_every_verb()
    {
        const std::string usage = usage_text("mpmd");
        for (const MasterSignal& s : kMasterSignals) {
            const std::string line = "  -k " + std::string(s.verb) + " ";
            CPPUNIT_ASSERT_MESSAGE(line, usage.find(line) != std::string::npos);
            CPPUNIT_ASSERT(usage.find("(SIG" + std::string(s.name) + " ") != std::string::npos);
            CPPUNIT_ASSERT(usage.find("|" + std::string(s.verb)) != std::string::npos);
        }
    }

    void roff_has_a_row_per_signal()
    {
        const std::string roff = signals_roff();
        CPPUNIT_ASSERT_EQUAL(std::string(".TS\n"), roff.substr(0, 4));
        CPPUNIT_ASSERT_EQUAL(std::string(".TE\n"), roff.substr(roff.size() - 4));
        CPPUNIT_ASSERT(roff.find("\nWINCH\tgraceful\\-stop\tT{\nGraceful stop: ") != std::string::npos);
        CPPUNIT_ASSERT(roff.find("\nTERM\tstop\tT{\nStop now: ") != std::string::npos);
        CPPUNIT_ASSERT(roff.find("\\fBGracefulShutdownTimeout\\fR other than 0") != std::string::npos);
        CPPUNIT_ASSERT(roff.find('*') == std::string::npos);
        // A sentence to a line.
        CPPUNIT_ASSERT(roff.find("then a new generation starts.\nThe listening sockets") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::size(kMasterSignals), size_t(std::count(roff.begin(), roff.end(), '{')));
    }

    void roff_passes_mandoc_lint()
    {
        if (access("/usr/bin/mandoc", X_OK) != 0)
            return;   // mandoc is not installed; t/90-man-lint.t reports the skip
        test::TempDir dir;
        const std::string page = dir.file("mpmd.8");
        std::ofstream(page) << "'\\\" t\n.TH MPMD 8 2026-01-01 mpmd\n.SH NAME\nmpmd \\- server\n.SH SIGNALS\n"
                            << signals_roff();
        int status = 0;
        CPPUNIT_ASSERT_EQUAL(std::string(), ::mandoc_lint(page, &status));
        CPPUNIT_ASSERT_EQUAL(0, status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SignalTableTest);
