"""The reference for bench/aws/run.sh: botocore's SigV4Auth signing the same request N times.

The signing time is fixed the way moto does it (request.context["timestamp"]), then the canonical
request, string to sign and signature are computed: the work add_auth does, minus reading the clock.
"""
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
body = b'{"TableName":"tmux-deployments","Item":{"userId":{"S":"alice"},"projectId":{"S":"g1"},"awsResources":{"M":{"s3Bucket":{"S":"tmux-builder-g1"}}}}}'
auth = SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "dynamodb", "us-east-1")
stamp = "20150830T123600Z"
start = time.perf_counter()
for _ in range(count):
    request = AWSRequest(method="POST", url="https://dynamodb.us-east-1.amazonaws.com/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.PutItem", "X-Amz-Date": stamp,
    })
    request.context["timestamp"] = stamp
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
elapsed = time.perf_counter() - start
print(f"python {count} {elapsed} {signature}")
