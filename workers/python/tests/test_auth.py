"""The Python client against a server started with --auth-tokens: tokens from `vernier auth token
create`, passed as an argument or through VERNIER_TOKEN / VERNIER_TOKEN_FILE."""
import os
import subprocess
import tempfile
import unittest
import unittest.mock

from server_process import ROOT, ServerProcess

import grpc  # noqa: E402
import vernier_client as vc  # noqa: E402
from vernier.v1 import study_service_pb2  # noqa: E402

SPEC = {"objectives": [{"metric": "loss", "direction": "MINIMIZE"}],
        "parameters": [{"name": "lr", "floatDomain": {"min": 1e-4, "max": 1, "logScale": True}}]}


def create_token(tokens, name, role, *prefixes):
    args = [os.path.join(ROOT, "bin", "vernier"), "auth", "token", "create", "--file", tokens,
            "--name", name, "--role", role]
    for p in prefixes:
        args += ["--prefix", p]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


class AuthTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.tokens_file = os.path.join(cls.tmp.name, "tokens.yaml")
        cls.admin = create_token(cls.tokens_file, "admin", "admin")
        cls.viewer = create_token(cls.tokens_file, "viewer-a", "viewer", "team-a-")
        cls.server = ServerProcess(extra_args=["--auth-tokens", cls.tokens_file],
                                   client=lambda target: vc.Client(target, token=cls.admin))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def test_an_admin_token_creates_and_a_viewer_token_reads_its_tenant_only(self):
        self.server.client.create_study("team-a-s", SPEC)
        self.server.client.create_study("team-b-s", SPEC)
        with vc.Client(self.server.target, token=self.viewer, retry_budget=0) as viewer:
            names = [s.name for s in viewer.studies.ListStudies(study_service_pb2.ListStudiesRequest()).studies]
            self.assertEqual(names, ["studies/team-a-s"])
            with self.assertRaises(grpc.RpcError) as e:
                viewer.create_study("team-a-new", SPEC)
            self.assertEqual(e.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
            self.assertIn("needs the admin role", e.exception.details())

    def test_no_token_or_a_wrong_one_is_unauthenticated(self):
        for token in (None, "vnr_wrong"):
            env = {k: v for k, v in os.environ.items() if not k.startswith("VERNIER_TOKEN")}
            with unittest.mock.patch.dict(os.environ, env, clear=True):
                with vc.Client(self.server.target, token=token, retry_budget=0) as client:
                    with self.assertRaises(grpc.RpcError) as e:
                        client.studies.ListStudies(study_service_pb2.ListStudiesRequest())
            self.assertEqual(e.exception.code(), grpc.StatusCode.UNAUTHENTICATED)

    def test_the_token_comes_from_the_environment(self):
        path = os.path.join(self.tmp.name, "viewer.token")
        with open(path, "w") as f:
            f.write(self.viewer + "\n")
        self.assertEqual(vc.token_from_environment({"VERNIER_TOKEN_FILE": path}), self.viewer)
        self.assertEqual(vc.token_from_environment({"VERNIER_TOKEN": " t "}), "t")
        self.assertIsNone(vc.token_from_environment({}))
        with unittest.mock.patch.dict(os.environ, {"VERNIER_TOKEN_FILE": path}):
            with vc.Client(self.server.target, retry_budget=0) as client:
                client.studies.ListStudies(study_service_pb2.ListStudiesRequest())


if __name__ == "__main__":
    unittest.main()
