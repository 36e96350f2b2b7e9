#!/usr/bin/env python3
"""Generates the gRPC stubs of vernier.v1 and vernier.plugin.v1 from api/proto into vernier_client/_generated.

Runs at build time (workers/python/pom.xml) with Debian's grpc_tools:
    /usr/bin/python3 workers/python/build_stubs.py
"""
import glob
import os
import sys

from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.join(HERE, "..", "..", "api", "proto", "src", "main", "proto")
OUT = os.path.join(HERE, "vernier_client", "_generated")


def main():
    packages = ("vernier", os.path.join("vernier", "v1"), os.path.join("vernier", "plugin"),
                os.path.join("vernier", "plugin", "v1"))
    for package in packages:
        os.makedirs(os.path.join(OUT, package), exist_ok=True)
        open(os.path.join(OUT, package, "__init__.py"), "a").close()
    protos = sorted(glob.glob(os.path.join(PROTO_ROOT, "vernier", "v1", "*.proto"))
                    + glob.glob(os.path.join(PROTO_ROOT, "vernier", "plugin", "v1", "*.proto")))
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    args = ["protoc", "-I" + PROTO_ROOT, "-I" + include, "--python_out=" + OUT, "--grpc_python_out=" + OUT] + protos
    if protoc.main(args) != 0:
        sys.exit("protoc failed")
    print("generated %d proto files into %s" % (len(protos), OUT))


if __name__ == "__main__":
    main()
