#!/usr/bin/env python3
# OCSP stapling (SSLStaplingFile), as an administrator who keeps a response fresh with a cron
# job (`openssl ocsp ... -respout FILE`, then `mpmd -k graceful`) expects it:
#   - a client that asks for the certificate's status (openssl s_client -status) gets the
#     host's response, over TLS 1.3 and 1.2; a client that does not ask gets none;
#   - per host: a vhost without its own certificate staples the server's response, a vhost
#     with its own certificate staples only its own (none without its SSLStaplingFile),
#     never the server's, picked by the client's SNI name;
#   - a renewed response is stapled after a graceful restart (USR1); a restart with a file
#     that is not a response is refused and the running generation staples the old one;
#   - mpmd -t: a file that is not a response, a response for another certificate, one that
#     says revoked, a missing file: each an error at its file:line and section.
# (A response past its nextUpdate is not stapled: t/unit/ocsp_staple_test.cc, which can
# make one; openssl ocsp writes only fresh ones.)
import re
import signal

from mpmdtest import MPMD, Test, run, wait_for
from mpmdtls import make_ca, make_ocsp_response, make_signed_certificate, tls_built


def stapled(openssl, port, ca, sni, extra=()):
    """What s_client says of the status: the response's "Next Update" line when one was
    stapled and says good, "none" when none was sent, else s_client's output."""
    status, out, err = run([openssl, "s_client", "-connect", "127.0.0.1:%d" % port, "-servername", sni,
                            "-CAfile", ca, "-verify_return_error"] + list(extra))
    if status != 0:
        return "s_client failed: " + err.strip()[-300:]
    if "OCSP response: no response sent" in out or "OCSP response" not in out:
        return "none"
    good = re.search(r"Cert Status: good", out)
    update = re.search(r"Next Update: (.*)", out)
    return update.group(1).strip() if good and update else out


def next_update_of(openssl, response):
    status, out, err = run([openssl, "ocsp", "-respin", response, "-resp_text", "-noverify"])
    m = re.search(r"Next Update: (.*)", out)
    return m.group(1).strip() if m else "unreadable: " + err


def main(t):
    if not tls_built(MPMD):
        t.skip_all("this mpmd was built without OpenSSL (./configure --without-openssl)")
    openssl = t.tool("openssl", "openssl")
    s = t.server(name="ocsp", site={"index.html": "main\n"}, conf={
        "server": {"Listen": ["127.0.0.1:@PORT@ https"],
                   "SSLCertificateFile": "@DIR@/www.example.com.crt",
                   "SSLCertificateKeyFile": "@DIR@/www.example.com.key",
                   "SSLStaplingFile": "@DIR@/www.ocsp"},
        "vhost:www": {"ServerName": "www.example.com", "DocumentRoot": "@DIR@/www"},
        "vhost:shop": {"ServerName": "shop.example.com", "DocumentRoot": "@DIR@/shop",
                       "SSLCertificateFile": "@DIR@/shop.example.com.crt",
                       "SSLCertificateKeyFile": "@DIR@/shop.example.com.key"},
    })
    ca = make_ca(openssl, s.dir)
    www_crt, _ = make_signed_certificate(openssl, s.dir, "www.example.com", ca)
    shop_crt, _ = make_signed_certificate(openssl, s.dir, "shop.example.com", ca)
    www_ocsp = make_ocsp_response(openssl, s.dir, www_crt, ca, "www.ocsp", days=1)
    s.write_site({"index.html": "www\n"}, root=s.path("www"))
    s.write_site({"index.html": "shop\n"}, root=s.path("shop"))
    first = next_update_of(openssl, www_ocsp)

    s.start()
    port = s.port
    t.is_(stapled(openssl, port, ca[0], "www.example.com", ["-status"]), first,
          "TLS 1.3: a client asking for the status gets the response, which says good")
    t.is_(stapled(openssl, port, ca[0], "www.example.com", ["-status", "-tls1_2"]), first, "... TLS 1.2 too")
    t.is_(stapled(openssl, port, ca[0], "www.example.com"), "none", "a client that does not ask gets none")
    t.is_(stapled(openssl, port, ca[0], "unknown.example.com", ["-status"]), first,
          "an unknown SNI name gets the default vhost's certificate and its response")
    t.is_(stapled(openssl, port, ca[0], "shop.example.com", ["-status"]), "none",
          "a vhost with its own certificate does not staple the server's response")

    # A renewed response (valid for 2 days now) after a graceful restart.
    renewed = make_ocsp_response(openssl, s.dir, www_crt, ca, "www.ocsp", days=2)
    second = next_update_of(openssl, renewed)
    t.ok(second != first, "the renewed response is another one (Next Update %s, was %s)" % (second, first))
    s.signal(signal.SIGUSR1)
    t.ok(wait_for(lambda: stapled(openssl, port, ca[0], "www.example.com", ["-status"]) == second, 15),
         "after USR1 the renewed response is stapled")

    # A file that is no response: the restart is refused, the running generation staples on.
    with open(www_ocsp, "rb") as f:
        good_bytes = f.read()
    block = s.error_log.mark()
    s.write_file(www_ocsp, b"not a response\n")
    s.signal(signal.SIGUSR1)
    t.ok(block.wait_for(r"SSLStaplingFile: .*www\.ocsp is not a DER OCSP response", 10),
         "a restart with a broken response file logs why")
    t.ok(block.wait_for(r"refused: the configuration has 1 error\(s\); still serving with the previous one", 10),
         "... and is refused")
    t.is_(stapled(openssl, port, ca[0], "www.example.com", ["-status"]), second,
          "... the running generation staples the response it had")
    s.write_file(www_ocsp, good_bytes)
    s.stop()

    # mpmd -t: each problem an error at SSLStaplingFile's line.
    base = s.config_text()
    line = next(i for i, l in enumerate(base.split("\n"), 1) if l.startswith("SSLStaplingFile"))
    shop_ocsp = make_ocsp_response(openssl, s.dir, shop_crt, ca, "shop.ocsp")
    revoked = make_ocsp_response(openssl, s.dir, www_crt, ca, "revoked.ocsp", revoked=True)
    s.write_file("junk.ocsp", b"\x30\x03\x0a\x01")
    cases = [(shop_ocsp, r"is not a response for this certificate", "a response for another certificate"),
             (revoked, r"says the certificate is revoked", "a response that says revoked"),
             (s.path("junk.ocsp"), r"is not a DER OCSP response", "a file that is not a response"),
             (s.path("gone.ocsp"), r"cannot read .*gone\.ocsp: No such file or directory", "a missing file")]
    for path, problem, what in cases:
        s.write_file("bad.conf", base.replace("SSLStaplingFile = %s\n" % www_ocsp, "SSLStaplingFile = %s\n" % path, 1))
        status, out, err = run([s.daemon, "-t", "-f", s.path("bad.conf")])
        t.ok(status != 0 and re.search(r"bad\.conf:%d: \[server\] SSLStaplingFile: .*%s" % (line, problem), err),
             "mpmd -t: %s is an error at its line (%s)" % (what, err.strip().split("\n")[0]))
    # The same response set in the vhost with its own certificate is its own: accepted.
    s.write_file("own.conf", base.replace("[vhost:shop]\n", "[vhost:shop]\nSSLStaplingFile = %s\n" % shop_ocsp, 1))
    status, out, err = run([s.daemon, "-t", "-f", s.path("own.conf")])
    t.is_((status, err.strip()), (0, ""), "mpmd -t: a vhost's own response for its own certificate is accepted")
    # ... and served: the client's SNI picks the host, and the host its own response.
    s.write_config(base.replace("[vhost:shop]\n", "[vhost:shop]\nSSLStaplingFile = %s\n" % shop_ocsp, 1))
    s.start()
    t.is_(stapled(openssl, s.port, ca[0], "shop.example.com", ["-status"]), next_update_of(openssl, shop_ocsp),
          "a vhost with its own response staples it for its SNI name")
    t.is_(stapled(openssl, s.port, ca[0], "www.example.com", ["-status"]), next_update_of(openssl, www_ocsp),
          "... and the default vhost staples the server's")
    s.stop()


Test().main(main)
