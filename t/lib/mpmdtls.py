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
