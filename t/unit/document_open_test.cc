// Unit tests for open_document against a temporary tree: the fast path, each Options rule,
// links inside and out of DocumentRoot (relative, absolute, to directories, chained, looping,
// dangling), owner matching, and a DocumentRoot that is itself a link.
#include <cppunit/extensions/HelperMacros.h>

#include "fd_test_support.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <ftw.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "child/document_open.h"

using mpmd::DocumentFile;
using mpmd::FileAccess;
using mpmd::SymlinkRule;

class DocumentOpenTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DocumentOpenTest);
    CPPUNIT_TEST(plain_paths);
    CPPUNIT_TEST(none_refuses_every_link);
    CPPUNIT_TEST(follow_stays_inside);
    CPPUNIT_TEST(outside_only_when_allowed);
    CPPUNIT_TEST(owner_match);
    CPPUNIT_TEST(loops_and_dangling_links);
    CPPUNIT_TEST(root_that_is_a_link);
    CPPUNIT_TEST_SUITE_END();

    std::string top_;    // holds root/ and outside/
    std::string root_;

    void write(const std::string& path, const std::string& text)
    {
        FILE* f = std::fopen(path.c_str(), "w");
        CPPUNIT_ASSERT_MESSAGE(path, f != nullptr);
        std::fputs(text.c_str(), f);
        std::fclose(f);
    }

    void link(const std::string& target, const std::string& at)
    {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(at, 0, ::symlink(target.c_str(), (root_ + at).c_str()));
    }

    DocumentFile open(const std::string& path, const FileAccess& access)
    {
        return mpmd::open_document(root_, path, access, O_RDONLY | O_NONBLOCK);
    }

    // The file's text, or "errno N" / "refused" when it was not opened.
    std::string read(const std::string& path, const FileAccess& access)
    {
        const DocumentFile f = open(path, access);
        if (f.fd < 0)
            return f.link_refused ? "refused" : "errno " + std::to_string(f.error);
        const std::string text = test_support::read_all(f.fd);
        ::close(f.fd);
        return text;
    }

    static FileAccess rule(SymlinkRule symlinks, bool outside = false)
    {
        FileAccess a;
        a.symlinks = symlinks;
        a.symlinks_outside_root = outside;
        return a;
    }

public:
    void setUp() override
    {
        char tmpl[] = "/tmp/mpmd-docopen-XXXXXX";
        CPPUNIT_ASSERT(::mkdtemp(tmpl) != nullptr);
        top_ = tmpl;
        root_ = top_ + "/root";
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir(root_.c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((root_ + "/dir").c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((top_ + "/outside").c_str(), 0755));
        write(root_ + "/a.txt", "A");
        write(root_ + "/dir/b.txt", "B");
        write(top_ + "/outside/secret.txt", "SECRET");
    }

    void tearDown() override
    {
        test_support::remove_tree(top_);
    }

    void plain_paths()
    {
        const FileAccess any = rule(SymlinkRule::None);
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/a.txt", any));
        CPPUNIT_ASSERT_EQUAL(std::string("B"), read("/dir/b.txt", any));
        CPPUNIT_ASSERT_EQUAL(std::string("B"), read("dir/b.txt", any));
        const DocumentFile dir = open("/dir/", any);
        CPPUNIT_ASSERT(dir.fd >= 0);
        ::close(dir.fd);
        const DocumentFile root = open("/", any);
        CPPUNIT_ASSERT(root.fd >= 0);
        ::close(root.fd);
        CPPUNIT_ASSERT_EQUAL("errno " + std::to_string(ENOENT), read("/missing", any));
        CPPUNIT_ASSERT_EQUAL("errno " + std::to_string(ENOTDIR), read("/a.txt/x", any));
    }

    void none_refuses_every_link()
    {
        link("a.txt", "/same-dir");
        link("dir", "/dir-link");
        const FileAccess none = rule(SymlinkRule::None, true);
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), read("/same-dir", none));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), read("/dir-link/b.txt", none));
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/a.txt", none));
    }

    void follow_stays_inside()
    {
        link("a.txt", "/rel");
        link(root_ + "/dir/b.txt", "/abs-inside");
        link("dir", "/dir-link");
        link("../a.txt", "/dir/up");
        link("rel", "/chain");
        link("../outside/secret.txt", "/escape");
        link(top_ + "/outside", "/out-dir");
        link("../root/a.txt", "/out-and-back");
        const FileAccess follow = rule(SymlinkRule::Follow);
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/rel", follow));
        CPPUNIT_ASSERT_EQUAL(std::string("B"), read("/abs-inside", follow));
        CPPUNIT_ASSERT_EQUAL(std::string("B"), read("/dir-link/b.txt", follow));
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/dir/up", follow));
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/chain", follow));
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/out-and-back", follow));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), read("/escape", follow));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), read("/out-dir/secret.txt", follow));
        // The same rule with SymLinksIfOwnerMatch (every file here has one owner).
        const FileAccess owner = rule(SymlinkRule::IfOwnerMatch);
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/rel", owner));
        CPPUNIT_ASSERT_EQUAL(std::string("B"), read("/dir-link/b.txt", owner));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), read("/escape", owner));
    }

    void outside_only_when_allowed()
    {
        link("../outside/secret.txt", "/escape");
        link(top_ + "/outside", "/out-dir");
        CPPUNIT_ASSERT_EQUAL(std::string("SECRET"), read("/escape", rule(SymlinkRule::Follow, true)));
        CPPUNIT_ASSERT_EQUAL(std::string("SECRET"), read("/out-dir/secret.txt", rule(SymlinkRule::Follow, true)));
        CPPUNIT_ASSERT_EQUAL(std::string("SECRET"), read("/escape", rule(SymlinkRule::IfOwnerMatch, true)));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), read("/escape", rule(SymlinkRule::None, true)));
    }

    void owner_match()
    {
        // A link made by another owner than its target's: the case SymLinksIfOwnerMatch
        // exists for (a user's link to a file of root's). Changing owners needs root.
        if (::geteuid() != 0)
            return;
        link("a.txt", "/theirs");
        CPPUNIT_ASSERT_EQUAL(0, ::lchown((root_ + "/theirs").c_str(), 65534, 65534));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), read("/theirs", rule(SymlinkRule::IfOwnerMatch)));
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/theirs", rule(SymlinkRule::Follow)));
        // The owner of the final target counts, through a chain of links.
        link("theirs", "/mine-to-theirs");
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), read("/mine-to-theirs", rule(SymlinkRule::IfOwnerMatch)));
        // Same owner on both sides again: followed.
        CPPUNIT_ASSERT_EQUAL(0, ::chown((root_ + "/a.txt").c_str(), 65534, 65534));
        CPPUNIT_ASSERT_EQUAL(std::string("A"), read("/theirs", rule(SymlinkRule::IfOwnerMatch)));
    }

    void loops_and_dangling_links()
    {
        link("loop2", "/loop1");
        link("loop1", "/loop2");
        link("nothing-here", "/dangling");
        const FileAccess follow = rule(SymlinkRule::Follow);
        CPPUNIT_ASSERT_EQUAL("errno " + std::to_string(ELOOP), read("/loop1", follow));
        CPPUNIT_ASSERT_EQUAL("errno " + std::to_string(ENOENT), read("/dangling", follow));
        CPPUNIT_ASSERT_EQUAL("errno " + std::to_string(ELOOP), read("/loop1", rule(SymlinkRule::Follow, true)));
    }

    void root_that_is_a_link()
    {
        // A deployment that switches "current" between releases: the root is reopened per call.
        const std::string current = top_ + "/current";
        CPPUNIT_ASSERT_EQUAL(0, ::symlink("root", current.c_str()));
        const FileAccess none = rule(SymlinkRule::None);
        DocumentFile f = mpmd::open_document(current, "/a.txt", none, O_RDONLY);
        CPPUNIT_ASSERT(f.fd >= 0);
        CPPUNIT_ASSERT_EQUAL(std::string("A"), test_support::read_all(f.fd));
        ::close(f.fd);
        CPPUNIT_ASSERT_EQUAL(0, ::unlink(current.c_str()));
        CPPUNIT_ASSERT_EQUAL(0, ::symlink("outside", current.c_str()));
        f = mpmd::open_document(current, "/secret.txt", none, O_RDONLY);
        CPPUNIT_ASSERT(f.fd >= 0);
        CPPUNIT_ASSERT_EQUAL(std::string("SECRET"), test_support::read_all(f.fd));
        ::close(f.fd);
        // And a link inside a linked root is judged against the root's real place.
        CPPUNIT_ASSERT_EQUAL(0, ::symlink("secret.txt", (top_ + "/outside/same").c_str()));
        CPPUNIT_ASSERT_EQUAL(std::string("SECRET"),
                             [&] {
                                 const DocumentFile g = mpmd::open_document(current, "/same", rule(SymlinkRule::Follow), O_RDONLY);
                                 const std::string text = g.fd >= 0 ? test_support::read_all(g.fd) : "failed";
                                 if (g.fd >= 0)
                                     ::close(g.fd);
                                 return text;
                             }());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DocumentOpenTest);
