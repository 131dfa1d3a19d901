// Test support for the config runner (t/unit/config_tests): a private temporary directory
// (removed at the end) holding a ServerRoot with htdocs/ and mime.types, so that a config
// written into it loads without errors unless a test adds one.
// Runs in: the unit-test process only. Leans on: log_test_support.h's TempDir (mkdtemp(3)).
#ifndef MPMD_T_UNIT_CONFIG_TEST_SUPPORT_H
#define MPMD_T_UNIT_CONFIG_TEST_SUPPORT_H

#include "log_test_support.h"   // test::TempDir
#include "mpm/mpm_config.h"

#include <cppunit/TestAssert.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace mpmd::config_test {

class ServerRootDir {
public:
    ServerRootDir()
    {
        make_dir("htdocs");
        write("mime.types", "text/html html\n");
    }

    const std::string& path() const { return dir_.path(); }
    std::string file(const std::string& name) const { return dir_.file(name); }

    std::string write(const std::string& name, const std::string& text) const
    {
        const std::string full = file(name);
        std::FILE* f = std::fopen(full.c_str(), "w");
        const bool written = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
        if (!f || std::fclose(f) != 0 || !written)
            throw std::runtime_error("cannot write " + full);
        return full;
    }
    void make_dir(const std::string& name) const { ::mkdir(file(name).c_str(), 0755); }

    // The first lines of every test config: a valid [server] in this directory. A test's
    // own lines start at line kBaseLines + 1.
    static constexpr int kBaseLines = 4;
    std::string base() const
    {
        return "[server]\nServerRoot = " + path() + "\nDocumentRoot = htdocs\n" +
               "TypesConfig = mime.types\n";
    }

    // Writes base() + `more` (`more` alone when `with_base` is false) as mpmd.conf and loads it.
    LoadedConfig load(const std::string& more, bool with_base = true,
                      LoadOptions options = LoadOptions()) const
    {
        options.path = write("mpmd.conf", with_base ? base() + more : more);
        return load_config(options);
    }
    std::string conf() const { return file("mpmd.conf"); }

private:
    test::TempDir dir_;   // removed with everything in it at the end
};

inline std::string joined(const std::vector<ConfigMessage>& messages)
{
    std::string text;
    for (const ConfigMessage& m : messages)
        text += m.str() + "\n";
    return text;
}

// Asserts exactly these messages (str() of each), in order.
inline void assert_messages(const std::vector<std::string>& expected,
                            const std::vector<ConfigMessage>& actual)
{
    std::string want;
    for (const std::string& e : expected)
        want += e + "\n";
    CPPUNIT_ASSERT_EQUAL(want, joined(actual));
}

// "CONF:N: ", the start of a message about line `line_after_base` of a test's own lines.
inline std::string after_base(const ServerRootDir& dir, int line_after_base)
{
    return dir.conf() + ":" + std::to_string(ServerRootDir::kBaseLines + line_after_base) + ": ";
}

} // namespace mpmd::config_test

#endif
