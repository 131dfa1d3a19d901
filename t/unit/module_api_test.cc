// A tripwire for the module API's binary layout (module_api.h): a module built against
// older headers reads a changed type at the wrong offsets, and only kModuleApiVersion lets
// LoadModule refuse it. So the sizes of the types a module sees are recorded here with the
// version they belong to, and a change to any of them without a new version fails.
// Sizes are those of x86_64 with libstdc++ (Debian's toolchain, what CI builds with).
#include "shared/module_api.h"
#include "shared/server_runtime.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstddef>
#include <string>

using namespace mpmd;

namespace {

struct ApiLayout {
    unsigned version;
    size_t module, handler_context, http_request, response, server_runtime, server_config, virtual_host;
};

// One row per kModuleApiVersion; a new version adds its row (the old ones stay, as history).
constexpr ApiLayout kRecorded[] = {
    {1, 56, 64, 152, 128, 1376, 856, 472},
};

ApiLayout current_layout()
{
    return {kModuleApiVersion, sizeof(Module), sizeof(HandlerContext), sizeof(HttpRequest), sizeof(Response),
            sizeof(ServerRuntime), sizeof(ServerConfig), sizeof(VirtualHost)};
}

std::string describe(const ApiLayout& l)
{
    return "{" + std::to_string(l.version) + ", " + std::to_string(l.module) + ", " +
           std::to_string(l.handler_context) + ", " + std::to_string(l.http_request) + ", " +
           std::to_string(l.response) + ", " + std::to_string(l.server_runtime) + ", " +
           std::to_string(l.server_config) + ", " + std::to_string(l.virtual_host) + "}";
}

} // namespace

class ModuleApiTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ModuleApiTest);
    CPPUNIT_TEST(layout_is_the_one_recorded_for_the_version);
    CPPUNIT_TEST(versions_only_grow);
    CPPUNIT_TEST_SUITE_END();

public:
    void layout_is_the_one_recorded_for_the_version()
    {
#if defined(__x86_64__) && defined(__GLIBCXX__)
        const ApiLayout now = current_layout();
        const ApiLayout& last = kRecorded[sizeof kRecorded / sizeof kRecorded[0] - 1];
        CPPUNIT_ASSERT_EQUAL_MESSAGE("kModuleApiVersion has no row here: add " + describe(now),
                                     last.version, now.version);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("a type modules see changed size (now " + describe(now) +
                                         "): raise kModuleApiVersion in src/shared/module_api.h, "
                                         "say why beside it, and add the new row here",
                                     describe(last), describe(now));
#endif
    }

    void versions_only_grow()
    {
        for (size_t i = 1; i < sizeof kRecorded / sizeof kRecorded[0]; ++i)
            CPPUNIT_ASSERT(kRecorded[i].version > kRecorded[i - 1].version);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ModuleApiTest);
