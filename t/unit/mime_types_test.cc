// Unit tests for MimeTypes: the mime.types format, case-insensitive lookup by the last
// extension of the last segment, the default type, errors, and the shipped etc/mime.types.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "shared/http/mime_types.h"

using mpmd::MimeTypes;

class MimeTypesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MimeTypesTest);
    CPPUNIT_TEST(parses_format);
    CPPUNIT_TEST(lookup_rules);
    CPPUNIT_TEST(later_line_wins);
    CPPUNIT_TEST(bad_type_reports_line);
    CPPUNIT_TEST(failed_load_keeps_table);
    CPPUNIT_TEST(loads_file);
    CPPUNIT_TEST(missing_file_reports_path);
    CPPUNIT_TEST(shipped_file);
    CPPUNIT_TEST_SUITE_END();

    std::string dir_;

public:
    void setUp() override
    {
        char tmpl[] = "/tmp/mpmd-mime-XXXXXX";
        CPPUNIT_ASSERT(::mkdtemp(tmpl) != nullptr);
        dir_ = tmpl;
    }
    void tearDown() override
    {
        ::unlink((dir_ + "/mime.types").c_str());
        ::rmdir(dir_.c_str());
    }

    void parses_format()
    {
        MimeTypes m;
        std::string error;
        CPPUNIT_ASSERT(m.load_text("# comment\n\ntext/html\thtml htm   # trailing\n"
                                   "  image/png png\r\napplication/x-empty\n.Txt text/plain\n",
                                   "t", &error) == false);
        CPPUNIT_ASSERT(m.load_text("# comment\n\ntext/html\thtml HTM   # trailing\n"
                                   "  image/png png\r\napplication/x-empty\ntext/plain .txt\n",
                                   "t", &error));
        CPPUNIT_ASSERT_EQUAL(size_t(4), m.size());
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), m.lookup("/a.htm"));
        CPPUNIT_ASSERT_EQUAL(std::string("image/png"), m.lookup("/a.png"));
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain"), m.lookup("/a.txt"));
    }

    void lookup_rules()
    {
        MimeTypes m;
        std::string error;
        CPPUNIT_ASSERT(m.load_text("text/html html\napplication/gzip gz\ntext/css css\n", "t", &error));
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), m.lookup("/Dir/INDEX.HTML"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/gzip"), m.lookup("/x.tar.gz"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/octet-stream"), m.lookup("/style.css/README"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/octet-stream"), m.lookup("/noext"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/octet-stream"), m.lookup("/trailing."));
        CPPUNIT_ASSERT_EQUAL(std::string("application/octet-stream"), m.lookup("/x.unknown"));
        CPPUNIT_ASSERT_EQUAL(std::string("text/css"), m.lookup("a.css"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/octet-stream"),
                             m.lookup("/x.averyveryverylongextension"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/octet-stream"), MimeTypes().lookup("/a.html"));
    }

    void later_line_wins()
    {
        MimeTypes m;
        std::string error;
        CPPUNIT_ASSERT(m.load_text("text/plain js\ntext/javascript js\n", "t", &error));
        CPPUNIT_ASSERT_EQUAL(std::string("text/javascript"), m.lookup("/app.js"));
    }

    void bad_type_reports_line()
    {
        MimeTypes m;
        std::string error;
        CPPUNIT_ASSERT(!m.load_text("text/html html\n\nhtml text\n", "types", &error));
        CPPUNIT_ASSERT_EQUAL(std::string("types:3: \"html\" is not a media type (type/subtype)"), error);
        CPPUNIT_ASSERT(!m.load_text("text/ x\n", "types", &error));
        CPPUNIT_ASSERT(!m.load_text("a/b/c x\n", "types", &error));
    }

    void failed_load_keeps_table()
    {
        MimeTypes m;
        std::string error;
        CPPUNIT_ASSERT(m.load_text("text/html html\n", "t", &error));
        CPPUNIT_ASSERT(!m.load_text("oops\n", "t", &error));
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), m.lookup("/a.html"));
    }

    void loads_file()
    {
        const std::string path = dir_ + "/mime.types";
        FILE* f = std::fopen(path.c_str(), "w");
        CPPUNIT_ASSERT(f != nullptr);
        std::fputs("text/x-test tst\n", f);
        std::fclose(f);
        MimeTypes m;
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, m.load(path, &error));
        CPPUNIT_ASSERT_EQUAL(std::string("text/x-test"), m.lookup("/a.TST"));
    }

    void missing_file_reports_path()
    {
        MimeTypes m;
        std::string error;
        CPPUNIT_ASSERT(!m.load(dir_ + "/absent", &error));
        CPPUNIT_ASSERT_EQUAL(dir_ + "/absent: No such file or directory", error);
    }

    void shipped_file()
    {
        // The runner starts in the build directory; srcdir is set by automake's harness.
        const char* srcdir = std::getenv("srcdir");
        const std::string path = std::string(srcdir ? srcdir : ".") + "/etc/mime.types";
        MimeTypes m;
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, m.load(path, &error));
        CPPUNIT_ASSERT(m.size() > 150);
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), m.lookup("/index.html"));
        CPPUNIT_ASSERT_EQUAL(std::string("text/css"), m.lookup("/s.css"));
        CPPUNIT_ASSERT_EQUAL(std::string("text/javascript"), m.lookup("/app.js"));
        CPPUNIT_ASSERT_EQUAL(std::string("image/svg+xml"), m.lookup("/logo.svg"));
        CPPUNIT_ASSERT_EQUAL(std::string("font/woff2"), m.lookup("/f.woff2"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), m.lookup("/d.json"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MimeTypesTest);
