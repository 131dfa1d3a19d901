// Tests for LogFileCache's fault words: files share words in the order they were first
// opened, a file opened after share_fault_words() gets one too, a path keeps its word when it
// comes back after a prune, paths past the words keep their own state, and faults are
// reported in the error log (report_access_log_fault).
#include "master/server_setup.h"

#include "log_test_support.h"
#include "shared/error_log.h"

#include <cppunit/extensions/HelperMacros.h>

namespace mpmd {

class LogFileCacheTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LogFileCacheTest);
    CPPUNIT_TEST(testFaultWordsShared);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFaultWordsShared()
    {
        test::TempDir dir;
        test::must_open(error_log(), dir.file("error_log"));
        uint64_t words[2] = {0, 0};
        uint64_t lost[2] = {0, 0};
        LogFileCache logs;
        std::string error;
        std::shared_ptr<LogFile> full = logs.get("/dev/full", &error);   // every write: ENOSPC
        CPPUNIT_ASSERT_MESSAGE(error, full != nullptr);
        logs.share_fault_words(words, lost, 2);
        std::shared_ptr<LogFile> second = logs.get(dir.file("b"), &error);
        std::shared_ptr<LogFile> third = logs.get(dir.file("c"), &error);
        CPPUNIT_ASSERT(second && third);
        CPPUNIT_ASSERT(!full->write_line("x\n") && !full->write_line("x\n"));
        CPPUNIT_ASSERT_EQUAL(uint64_t{2}, words[0] & LogFile::kFaultCountMask);
        CPPUNIT_ASSERT(words[0] & LogFile::kFaultFailing);
        CPPUNIT_ASSERT_EQUAL(uint64_t{2}, lost[0]);
        CPPUNIT_ASSERT_EQUAL(uint64_t{2}, full->lost_lines_total());
        CPPUNIT_ASSERT_EQUAL(3u, static_cast<unsigned>(logs.files().size()));

        // "b" leaves and comes back: the same word. "c" had none left: its own state.
        second.reset();
        logs.prune();
        CPPUNIT_ASSERT_EQUAL(2u, static_cast<unsigned>(logs.files().size()));
        second = logs.get(dir.file("b"), &error);
        words[1] = LogFile::kFaultFailing | 7;   // as another process would have left it
        CPPUNIT_ASSERT_EQUAL(uint64_t{7}, second->lost_lines());
        CPPUNIT_ASSERT(second->write_line("b\n"));
        CPPUNIT_ASSERT_EQUAL(uint64_t{0}, words[1]);
        CPPUNIT_ASSERT(!third->failing());

        const std::vector<std::string> lines = test::read_lines(dir.file("error_log"));
        error_log().use_stderr();
        CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[0], lines[0].find("[log_config:error]") != std::string::npos &&
                                             lines[0].find("cannot write to access log /dev/full") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(lines[1], lines[1].find("access log " + dir.file("b") +
                                                       " works again; 7 line(s) lost") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogFileCacheTest);

} // namespace mpmd
