// The master's child registry: slots, removal by pid, counts.
#include "master/child_registry.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mpmd;

class ChildRegistryTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChildRegistryTest);
    CPPUNIT_TEST(add_find_remove);
    CPPUNIT_TEST(unknown_pid_is_not_ours);
    CPPUNIT_TEST_SUITE_END();

public:
    void add_find_remove()
    {
        ChildRegistry registry(4);
        registry.add(ChildRecord{101, 0, 1, ChildState::Running, 0});
        registry.add(ChildRecord{102, 3, 1, ChildState::Running, 0});
        CPPUNIT_ASSERT_EQUAL(size_t(2), registry.count());
        CPPUNIT_ASSERT(registry.in_slot(1) == nullptr);
        CPPUNIT_ASSERT_EQUAL(102, int(registry.in_slot(3)->pid));
        const auto gone = registry.remove(102);
        CPPUNIT_ASSERT(gone.has_value());
        CPPUNIT_ASSERT_EQUAL(uint32_t(3), gone->slot);
        CPPUNIT_ASSERT(registry.in_slot(3) == nullptr);
        CPPUNIT_ASSERT_EQUAL(size_t(1), registry.all().size());
    }

    void unknown_pid_is_not_ours()
    {
        ChildRegistry registry(2);
        registry.add(ChildRecord{7, 1, 0, ChildState::Stopping, 0});
        CPPUNIT_ASSERT(!registry.remove(8).has_value());
        CPPUNIT_ASSERT_EQUAL(size_t(1), registry.count());
        CPPUNIT_ASSERT_EQUAL(std::string("stopping"), std::string(child_state_name(registry.in_slot(1)->state)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChildRegistryTest);
