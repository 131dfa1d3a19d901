// The scoreboard across a binary upgrade: the old master renames its named segment to
// NAME.oldbin (and back), removes a name only while it is still its own segment (inode), and
// the new master carries the old totals, which the status snapshot adds.
#include "shared/scoreboard.h"
#include "shared/status/status_snapshot.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace mpmd;

namespace {

bool segment_exists(const std::string& name)
{
    const int fd = shm_open(name.c_str(), O_RDONLY, 0);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

} // namespace

class ScoreboardUpgradeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ScoreboardUpgradeTest);
    CPPUNIT_TEST(rename_moves_the_name_and_back);
    CPPUNIT_TEST(remove_spares_a_name_taken_by_another_segment);
    CPPUNIT_TEST(carried_totals_add_to_the_snapshot);
    CPPUNIT_TEST_SUITE_END();

    std::string name_;

public:
    void setUp() override { name_ = "/mpmd-upgrade-unit-" + std::to_string(getpid()); }
    void tearDown() override
    {
        shm_unlink(name_.c_str());
        shm_unlink((name_ + ".oldbin").c_str());
    }

    void rename_moves_the_name_and_back()
    {
        auto board = Scoreboard::create(2, 1, name_);
        std::string error;
        CPPUNIT_ASSERT(board->rename_name(name_ + ".oldbin", &error));
        CPPUNIT_ASSERT_EQUAL(name_ + ".oldbin", board->name());
        CPPUNIT_ASSERT(!segment_exists(name_));
        CPPUNIT_ASSERT(segment_exists(name_ + ".oldbin"));
        std::string ignored;
        CPPUNIT_ASSERT(Scoreboard::attach(name_ + ".oldbin", &ignored) != nullptr);
        CPPUNIT_ASSERT(board->rename_name(name_, &error));
        CPPUNIT_ASSERT(segment_exists(name_));
        CPPUNIT_ASSERT(!segment_exists(name_ + ".oldbin"));
    }

    void remove_spares_a_name_taken_by_another_segment()
    {
        auto old_board = Scoreboard::create(2, 1, name_);
        std::string error;
        CPPUNIT_ASSERT(old_board->rename_name(name_ + ".oldbin", &error));
        auto new_board = Scoreboard::create(2, 1, name_);   // the name is free again
        // Someone removed .oldbin and reused it: neither rename nor remove touches it.
        shm_unlink((name_ + ".oldbin").c_str());
        auto stranger = Scoreboard::create(1, 1, name_ + ".oldbin");
        old_board->remove_name();
        CPPUNIT_ASSERT(segment_exists(name_ + ".oldbin"));
        CPPUNIT_ASSERT(!old_board->rename_name(name_, &error));
        CPPUNIT_ASSERT(error.find("no longer this server's segment") != std::string::npos);
        CPPUNIT_ASSERT(segment_exists(name_));
        new_board->remove_name();
        CPPUNIT_ASSERT(!segment_exists(name_));
        stranger->remove_name();
        CPPUNIT_ASSERT(!segment_exists(name_ + ".oldbin"));
    }

    void carried_totals_add_to_the_snapshot()
    {
        auto old_board = Scoreboard::create(2, 2, name_);
        WorkerReport(old_board->worker(0, 1)).request_finished(100);
        WorkerReport(old_board->worker(1, 0)).request_finished(20);
        old_board->set_carried(ServedTotals{5, 1000});
        const ServedTotals old_totals = old_board->served_totals();
        CPPUNIT_ASSERT_EQUAL(uint64_t(7), old_totals.accesses);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1120), old_totals.bytes);

        auto board = Scoreboard::create(1, 1);
        board->set_carried(old_totals);
        WorkerReport(board->worker(0, 0)).request_finished(3);
        StatusServerInfo info;
        info.read_system = false;
        const StatusSnapshot s = take_status_snapshot(*board, info);
        CPPUNIT_ASSERT_EQUAL(uint64_t(8), s.total_accesses);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1123), s.total_bytes);
        CPPUNIT_ASSERT_EQUAL(uint64_t(8), board->served_totals().accesses);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScoreboardUpgradeTest);
