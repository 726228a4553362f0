"""Signs a model directory with OpenSSF model-signing (key-based, EC P-256) for the TS tests.

Usage: sign-model.py KEYDIR MODELDIR [--shards N] [--signature PATH]
Writes KEYDIR/private.pem and KEYDIR/public.pem (once), then the signature (default
MODELDIR/model.sig), and checks it with model_signing's own verifier.
"""

import argparse
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
import model_signing

parser = argparse.ArgumentParser()
parser.add_argument("keydir")
parser.add_argument("model")
parser.add_argument("--shards", type=int, default=0)
parser.add_argument("--signature")
args = parser.parse_args()
private = os.path.join(args.keydir, "private.pem")
public = os.path.join(args.keydir, "public.pem")
if not os.path.exists(private):
    key = ec.generate_private_key(ec.SECP256R1())
    with open(private, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(public, "wb") as fh:
        fh.write(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
signature = args.signature or os.path.join(args.model, "model.sig")
hashing = model_signing.hashing.Config().set_ignored_paths(paths=[signature], ignore_git_paths=True)
if args.shards:
    hashing = hashing.use_shard_serialization(shard_size=args.shards)
model_signing.signing.Config().use_elliptic_key_signer(private_key=private).set_hashing_config(hashing).sign(args.model, signature)
model_signing.verifying.Config().use_elliptic_key_verifier(public_key=public).set_hashing_config(hashing).verify(args.model, signature)
print(signature)
