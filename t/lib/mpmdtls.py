"""Certificates for the TLS tests, made with the openssl command (Debian package openssl)."""
import os

from mpmdproc import run


def tls_built(daemon):
    """True when `daemon` was built with OpenSSL (its -V names the library)."""
    status, out, err = run([daemon, "-V"])
    return status == 0 and "\n TLS: OpenSSL" in out


def make_certificate(openssl, directory, name, key=("rsa:2048",)):
    """A self-signed certificate for `name` (its own CA, with name as its subjectAltName):
    (NAME.crt, NAME.key) in `directory`, the key mode 0600."""
    os.makedirs(directory, exist_ok=True)
    crt, key_file = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    status, out, err = run([openssl, "req", "-x509", "-newkey"] + list(key) +
                           ["-nodes", "-keyout", key_file, "-out", crt, "-days", "30", "-subj", "/CN=" + name,
                            "-addext", "subjectAltName=DNS:" + name])
    if status != 0:
        raise RuntimeError("openssl req failed: " + err)
    os.chmod(key_file, 0o600)
    return crt, key_file


def make_ca(openssl, directory, name="Test CA"):
    """A certificate authority: (ca.crt, ca.key) in `directory`."""
    os.makedirs(directory, exist_ok=True)
    crt, key_file = os.path.join(directory, "ca.crt"), os.path.join(directory, "ca.key")
    status, out, err = run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key_file,
                            "-out", crt, "-days", "30", "-subj", "/CN=" + name,
                            "-addext", "basicConstraints=critical,CA:TRUE"])
    if status != 0:
        raise RuntimeError("openssl req (CA) failed: " + err)
    return crt, key_file


def make_signed_certificate(openssl, directory, name, ca):
    """A certificate for `name` signed by `ca` (make_ca's pair): (NAME.crt, NAME.key), the
    key mode 0600. NAME.crt holds the certificate alone (the CA is the client's to trust)."""
    crt, key_file = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    csr, extensions = os.path.join(directory, name + ".csr"), os.path.join(directory, name + ".ext")
    with open(extensions, "w") as f:
        f.write("subjectAltName=DNS:%s\n" % name)
    steps = [[openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key_file, "-out", csr,
              "-subj", "/CN=" + name],
             [openssl, "x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-set_serial",
              str(int.from_bytes(os.urandom(8), "big")), "-days", "30", "-out", crt, "-extfile", extensions]]
    for step in steps:
        status, out, err = run(step)
        if status != 0:
            raise RuntimeError("%s failed: %s" % (" ".join(step[:2]), err))
    os.chmod(key_file, 0o600)
    return crt, key_file


def make_ocsp_response(openssl, directory, certificate, ca, out_name, revoked=False, days=1):
    """An OCSP response (DER) for `certificate`, signed by `ca` as its responder, written
    offline by `openssl ocsp` from an index that says good (or revoked): the path."""
    status, serial, err = run([openssl, "x509", "-in", certificate, "-noout", "-serial"])
    if status != 0:
        raise RuntimeError("openssl x509 -serial failed: " + err)
    serial = serial.strip().split("=", 1)[1]
    index = os.path.join(directory, out_name + ".index")
    with open(index, "w") as f:
        # ca(1)'s index: status, expiry, revocation date, serial, file, subject
        f.write("%s\t491231235959Z\t%s\t%s\tunknown\t/CN=x\n"
                % ("R" if revoked else "V", "240101000000Z" if revoked else "", serial))
    request = os.path.join(directory, out_name + ".req")
    response = os.path.join(directory, out_name)
    for step in ([openssl, "ocsp", "-issuer", ca[0], "-cert", certificate, "-no_nonce", "-reqout", request],
                 [openssl, "ocsp", "-index", index, "-rsigner", ca[0], "-rkey", ca[1], "-CA", ca[0],
                  "-reqin", request, "-respout", response, "-ndays", str(days)]):
        status, out, err = run(step)
        if status != 0:
            raise RuntimeError("openssl ocsp failed: " + err)
    return response
