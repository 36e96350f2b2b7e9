"""The Python client over TLS and mutual TLS to the real server, with certificates made by openssl."""
import os
import subprocess
import tempfile
import unittest

from server_process import ServerProcess

import grpc  # noqa: E402
import vernier_client as vc  # noqa: E402


def make_certificates(d):
    """A test CA, and a server and a client certificate it signed (EC P-256, PKCS#8 keys)."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), cwd=d, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=test-ca")
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n")
    for name in ("server", "client"):
        run("req", *ec, "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name)
        run("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", name + ".pem", "-days", "2", "-extfile", "ext.cnf")
    return {n: os.path.join(d, n) for n in ("ca.pem", "server.pem", "server.key", "client.pem", "client.key")}


class MutualTlsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.files = f = make_certificates(cls.tmp.name)
        cls.server = ServerProcess(
            extra_args=["--tls-cert", f["server.pem"], "--tls-key", f["server.key"],
                        "--tls-client-ca", f["ca.pem"]],
            client=lambda target: vc.Client(target, credentials=vc.tls_credentials(
                f["ca.pem"], f["client.pem"], f["client.key"])))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def test_a_client_with_the_cas_certificate_works(self):
        study = self.server.client.create_study("tls", {
            "objectives": [{"metric": "loss", "direction": "MINIMIZE"}],
            "parameters": [{"name": "lr", "floatDomain": {"min": 1e-4, "max": 1, "logScale": True}}]})
        self.assertEqual(study.name, "studies/tls")

    def test_the_environment_gives_the_same_credentials(self):
        f = self.files
        env = {"VERNIER_TLS_CA": f["ca.pem"], "VERNIER_TLS_CERT": f["client.pem"],
               "VERNIER_TLS_KEY": f["client.key"]}
        from vernier.v1 import study_service_pb2
        with vc.Client(self.server.target, credentials=vc.credentials_from_environment(env)) as client:
            client.studies.ListStudies(study_service_pb2.ListStudiesRequest(), timeout=10)
        self.assertIsNone(vc.credentials_from_environment({}))

    def test_a_client_without_a_certificate_is_refused(self):
        from vernier.v1 import study_service_pb2
        with vc.Client(self.server.target, credentials=vc.tls_credentials(self.files["ca.pem"]),
                       retry_budget=0) as client:
            with self.assertRaises(grpc.RpcError) as e:
                client.studies.ListStudies(study_service_pb2.ListStudiesRequest(), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_half_a_client_identity_is_a_clear_error(self):
        with self.assertRaisesRegex(ValueError, "give both cert and key"):
            vc.tls_credentials(self.files["ca.pem"], cert=self.files["client.pem"])
        with self.assertRaisesRegex(ValueError, "cannot read the TLS CA file /nope"):
            vc.tls_credentials("/nope")


if __name__ == "__main__":
    unittest.main()
