// The main() of every CppUnit runner in t/unit: runs all registered suites and
// exits non-zero on any failure, so automake's harness counts the runner as FAIL.
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

int main()
{
    CppUnit::TextUi::TestRunner runner;
    runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
    return runner.run() ? 0 : 1;
}
