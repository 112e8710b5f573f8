#!/usr/bin/env bash
# Starts moto (the moto[server] application) on a free loopback port for the DynamoDB tests, with SigV4 verification on,
# and exports DEPLOYOTRON_TEST_MOTO_ENDPOINT, DEPLOYOTRON_TEST_MOTO_ACCESS_KEY_ID and
# DEPLOYOTRON_TEST_MOTO_SECRET_ACCESS_KEY. Sourced by scripts/test.sh.
#
# moto accepts any request until told otherwise, so the IAM user the tests sign as (and its
# policy) is created first; then POST /moto-api/reset-auth with 0 makes
# every later request need a valid signature by a known key that its policies allow.
# The policy covers the services whose clients are tested against moto.

moto_start() {
  local port endpoint keys
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  MOTO_LOG="$(mktemp -t moto.XXXXXX.log)"
  # moto_server's own entry point handles requests on parallel threads without locking, so its
  # UpdateItem is not atomic the way DynamoDB's is (two concurrent ADDs can both read the old
  # value). The same moto application is served here with one request handled at a time.
  MOTO_PORT="$port" python3 - "$port" >"$MOTO_LOG" 2>&1 <<'PY' &
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

app = DomainDispatcherApplication(create_backend_app)
one_at_a_time = threading.Lock()


def serialized(environ, start_response):
    with one_at_a_time:
        return list(app(environ, start_response))


run_simple("127.0.0.1", int(sys.argv[1]), serialized, threaded=True)
PY
  MOTO_PID=$!
  endpoint="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "$endpoint/moto-api/" && break
    sleep 0.1
  done
  if ! curl -s -o /dev/null "$endpoint/moto-api/"; then
    echo "moto.sh: moto_server did not start on $endpoint; see $MOTO_LOG" >&2
    return 1
  fi

  # Any key works while auth is off; these placeholder values only route the IAM calls.
  if ! keys=$(MOTO_ENDPOINT="$endpoint" python3 - <<'PY'
import json, os
import boto3
iam = boto3.client(
    "iam", endpoint_url=os.environ["MOTO_ENDPOINT"], region_name="us-east-1",
    aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap",
)
user = "deployotron-tests"
iam.create_user(UserName=user)
policy = iam.create_policy(
    PolicyName="deployotron-tests",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["dynamodb:*", "s3:*", "cloudfront:*", "ecr:*", "ecs:*", "logs:*", "ec2:*", "iam:*", "sts:*", "elasticloadbalancing:*"], "Resource": "*"}],
    }),
)
iam.attach_user_policy(UserName=user, PolicyArn=policy["Policy"]["Arn"])
key = iam.create_access_key(UserName=user)["AccessKey"]
# A second user who may use S3 and read CloudFront but not create distributions: AccessDenied mid-deploy.
limited = "deployotron-tests-limited"
iam.create_user(UserName=limited)
iam.put_user_policy(UserName=limited, PolicyName="limited", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:*", "cloudfront:Get*", "cloudfront:List*", "cloudfront:CreateOriginAccessControl"], "Resource": "*"},
    ],
}))
limited_key = iam.create_access_key(UserName=limited)["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"], limited_key["AccessKeyId"], limited_key["SecretAccessKey"])
PY
  ); then
    echo "moto.sh: could not create the test IAM user in moto (is boto3 installed?); see $MOTO_LOG" >&2
    return 1
  fi
  # The body is the number of requests still let through unchecked; not form-encoded, or moto reads nothing.
  if ! curl -sf -o /dev/null -X POST -H "Content-Type: text/plain" --data-binary 0 "$endpoint/moto-api/reset-auth"; then
    echo "moto.sh: could not switch on signature checks in moto; see $MOTO_LOG" >&2
    return 1
  fi

  export DEPLOYOTRON_TEST_MOTO_ENDPOINT="$endpoint"
  read -r main_id main_secret limited_id limited_secret <<<"$keys"
  export DEPLOYOTRON_TEST_MOTO_ACCESS_KEY_ID="$main_id"
  export DEPLOYOTRON_TEST_MOTO_SECRET_ACCESS_KEY="$main_secret"
  # May use S3 and read CloudFront, but not create distributions.
  export DEPLOYOTRON_TEST_MOTO_LIMITED_ACCESS_KEY_ID="$limited_id"
  export DEPLOYOTRON_TEST_MOTO_LIMITED_SECRET_ACCESS_KEY="$limited_secret"
}

moto_stop() {
  [ -n "${MOTO_PID:-}" ] && kill "$MOTO_PID" 2>/dev/null || true
}
