#!/bin/bash
# notify.sh - report build progress and created resources to deployotron.
#
#   ./notify.sh {ack|status|error|done|summary|deployed} [message]
#   ./notify.sh resources '{"s3Bucket":"...","cloudFrontUrl":"https://..."}'
#
# Environment (each overrides what `deployotron notify-script` filled in):
#   DEPLOYOTRON_NOTIFY_URL      server address (default http://localhost:8082)
#   DEPLOYOTRON_NOTIFY_GUID     the project's guid
#   DEPLOYOTRON_NOTIFY_TOKEN    bearer token, when the server was started with --token
#   DEPLOYOTRON_NOTIFY_TIMEOUT  seconds to wait for an answer (default 10)
#
# Exit status: 0 when the server stored the event, 1 for a usage error, 2 when the server
# cannot be reached, 3 when it refused the event (its reason is printed on stderr).

TEMPLATE_GUID='{guid}'
TEMPLATE_URL='{url}'

GUID="${DEPLOYOTRON_NOTIFY_GUID:-$TEMPLATE_GUID}"
if [ -n "${DEPLOYOTRON_NOTIFY_URL:-}" ]; then
    SERVER="$DEPLOYOTRON_NOTIFY_URL"
elif [ "$TEMPLATE_URL" != '{url}' ]; then
    SERVER="$TEMPLATE_URL"
else
    SERVER="http://localhost:8082"
fi
SERVER="${SERVER%/}"
TOKEN="${DEPLOYOTRON_NOTIFY_TOKEN:-}"
TIMEOUT="${DEPLOYOTRON_NOTIFY_TIMEOUT:-10}"

usage() {
    echo "Usage: $0 {ack|status|error|done|summary|deployed|resources} [message/json]"
    exit 1
}

# Prints $1 as the inside of a JSON string: quotes, backslashes and control characters escaped.
json_escape() {
    local s="$1"
    s="${s//\\/\\\\}"
    s="${s//\"/\\\"}"
    s="${s//$'\n'/\\n}"
    s="${s//$'\r'/\\r}"
    s="${s//$'\t'/\\t}"
    if [[ "$s" == *[[:cntrl:]]* ]]; then
        local out="" c code i
        local LC_ALL=C
        for ((i = 0; i < ${#s}; i++)); do
            c="${s:i:1}"
            if [[ "$c" == [[:cntrl:]] ]]; then
                printf -v code '\\u%04x' "'$c"
                out+="$code"
            else
                out+="$c"
            fi
        done
        s="$out"
    fi
    printf '%s' "$s"
}

# POSTs the JSON body in $1 to /notify and reports the outcome.
post() {
    local body="$1" out status curl_exit
    if ! command -v curl >/dev/null 2>&1; then
        echo "notify.sh: curl is not installed; install it to report to deployotron" >&2
        exit 2
    fi
    local args=(-sS -X POST "$SERVER/notify" -H "Content-Type: application/json"
        --connect-timeout 5 --max-time "$TIMEOUT" --data-binary @- -w '\n%{http_code}')
    if [ -n "$TOKEN" ]; then
        # The header goes through a file descriptor, so the token never shows in `ps`.
        out=$(printf '%s' "$body" | curl "${args[@]}" -H @<(printf 'Authorization: Bearer %s\n' "$TOKEN"))
    else
        out=$(printf '%s' "$body" | curl "${args[@]}")
    fi
    curl_exit=$?
    if [ $curl_exit -ne 0 ]; then
        echo "notify.sh: cannot reach deployotron at $SERVER (curl exit $curl_exit); is \`deployotron serve\` running? Set DEPLOYOTRON_NOTIFY_URL to its address" >&2
        exit 2
    fi
    status="${out##*$'\n'}"
    out="${out%$'\n'*}"
    if [[ "$status" =~ ^2[0-9][0-9]$ ]]; then
        [ -n "$out" ] && printf '%s\n' "$out"
        return 0
    fi
    echo "notify.sh: deployotron at $SERVER refused the $1 event with HTTP $status: ${out:-no reason given}" >&2
    exit 3
}

if [ -z "$GUID" ] || [ "$GUID" = '{guid}' ]; then
    case "$1" in
        ack|status|error|done|summary|deployed|resources)
            echo "notify.sh: no project guid; set DEPLOYOTRON_NOTIFY_GUID or create this script with \`deployotron notify-script --guid G\`" >&2
            exit 1
            ;;
    esac
fi

case "$1" in
    ack|status|error|done|summary|deployed)
        post "{\"guid\":\"$(json_escape "$GUID")\",\"type\":\"$1\",\"message\":\"$(json_escape "${2:-}")\"}"
        ;;
    resources)
        if [ -z "${2:-}" ]; then
            echo "notify.sh: resources needs a JSON object, e.g. $0 resources '{\"s3Bucket\":\"my-bucket\"}'" >&2
            exit 1
        fi
        post "{\"guid\":\"$(json_escape "$GUID")\",\"type\":\"resources\",\"data\":$2}"
        ;;
    *)
        usage
        ;;
esac
