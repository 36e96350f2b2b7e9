"""Starts the real server process (bin/vernier server) for the Python tests."""
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))

import grpc  # noqa: E402
import vernier_client as vc  # noqa: E402
from vernier.v1 import study_service_pb2  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """bin/vernier server on a free port with its own database; `client` is connected once it answers."""

    def __init__(self, extra_args=(), client=None):
        self.tmp = tempfile.TemporaryDirectory()
        port = free_port()
        self.target = "127.0.0.1:%d" % port
        self.log = open(os.path.join(self.tmp.name, "server.log"), "w")
        self.process = subprocess.Popen(
            [os.path.join(ROOT, "bin", "vernier"), "server", "--port", str(port), "--http-port", "-1",
             "--db", os.path.join(self.tmp.name, "v.db")] + list(extra_args),
            stdout=self.log, stderr=subprocess.STDOUT)
        self.client = client(self.target) if client else vc.Client(self.target)
        deadline = time.time() + 60
        while True:
            try:
                self.client.studies.ListStudies(study_service_pb2.ListStudiesRequest(), timeout=2, wait_for_ready=True)
                break
            except grpc.RpcError:
                if time.time() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.2)

    def stop(self):
        self.client.close()
        self.process.terminate()
        self.process.wait(30)
        self.log.close()
        self.tmp.cleanup()
