#!/usr/bin/env python3
# Long config lines: Debian's inih reads at most 199 bytes of a line, so a line of 200 bytes or
# more must fail with an error naming FILE:LINE (never be parsed in pieces); a 199-byte line is
# fine; an indented continuation line continues a value, which makes long LogFormats possible.
from mpmdtest import HttpConnection, Test, line_of, run, wait_for


def main(t):
    s = t.server(name="long")
    good = s.config_text()
    conf = s.conf_path

    def with_line(line):
        return good.replace("[log]\n", "[log]\n%s\n" % line, 1)

    def padded(n):
        """A `LogFormat = "aaa..." pad` line of exactly n bytes (without the newline): any
        text is a valid format, so only the length can make it fail."""
        head, tail = 'LogFormat = "', '" pad'
        return head + "a" * (n - len(head) - len(tail)) + tail

    for n in (198, 199):
        s.write_config(with_line(padded(n)))
        rc, out, err = run(s.command("-t"))
        t.is_(rc, 0, "a %d-byte line is accepted" % n)

    for n in (200, 201, 260, 1000):
        text = with_line(padded(n))
        s.write_config(text)
        rc, out, err = run(s.command("-t"))
        lineno = line_of(text, "aaaa")
        t.is_(rc, 1, "a %d-byte line fails -t" % n)
        t.like(out + err, r"%s:%d:.*\b%d\b" % (conf.replace(".", r"\."), lineno, n),
               "the %d-byte line's error names file:line and its length" % n)
        t.unlike(out + err, r"%s:%d:" % (conf.replace(".", r"\."), lineno + 1),
                 "no error from a phantom piece of the %d-byte line" % n)

    # A comment line of 200+ bytes is still a line of 200+ bytes.
    text = with_line("; " + "c" * 250)
    s.write_config(text)
    rc, out, err = run(s.command("-t"))
    t.is_(rc, 1, "a 252-byte comment line fails too")
    t.like(out + err, r"%s:%d:" % (conf.replace(".", r"\."), line_of(text, "cccc")),
           "the long comment line is named")

    # Continuation lines: a LogFormat of ~330 bytes over three indented lines, used by a
    # CustomLog; the access log line shows the format's end, so no piece was lost.
    headers = ["X-Padding-%02d" % i for i in range(20)]
    fmt = " ".join("%%{%s}i" % h for h in headers)
    words = fmt.split(" ")
    cont = ("LogFormat = \"BEGIN %%h %s\n    %s\n    %s END\" padded"
            % (" ".join(words[:7]), " ".join(words[7:14]), " ".join(words[14:])))
    t.ok(len(cont.replace("\n", " ")) > 300, "the continued LogFormat is over 300 bytes")
    s.set("log", {"LogFormat": cont.split(" = ", 1)[1]})
    s.set("log", {"CustomLog": "@DIR@/access_log padded"})
    text = s.config_text()
    s.write_config(text)
    rc, out, err = run(s.command("-t"))
    t.is_(rc, 0, "a LogFormat continued on indented lines passes -t")
    if rc != 0:
        t.diag(out + err)
    # DirectoryIndex continued: the second name is found.
    text = text.replace("[server]\n", "[server]\nDirectoryIndex = none.html\n  second.html\n", 1)
    s.write_file("htdocs/second.html", "second index\n")
    s.write_config(text)
    rc, out, err = run(s.command("-t"))
    t.is_(rc, 0, "DirectoryIndex continued on an indented line passes -t")
    s.start()
    with HttpConnection(s.port) as c:
        r = c.request("GET", "/", headers=[(h, "v%s" % h[-2:]) for h in headers] +
                      [("Connection", "close")])
    t.is_(r.status, 200, "GET / with the continued DirectoryIndex answers 200")
    t.is_(r.body, b"second index\n", "the continued DirectoryIndex value is a second name")
    lines = wait_for(lambda: s.access_log.lines(), 3) or []
    expect = "BEGIN 127.0.0.1 " + " ".join("v%02d" % i for i in range(20)) + " END"
    t.is_(lines[-1] if lines else None, expect,
          "the access log line has every piece of the continued LogFormat")


Test().main(main)
