#!/usr/bin/env bash
# Provisioning the way a configuration-management run would: idempotent, driven by exit
# codes and --json, checked with jq. Usage: examples/provision.sh [DATA_DIR]
set -euo pipefail
export MAILCTL_DATA_DIR="${1:-${MAILCTL_DATA_DIR:-./mailctl-data}}"
MAILCTL="${MAILCTL:-mailctl}"
DOMAIN=example.org

# A domain that already exists is fine: ask first instead of parsing error text.
if ! "$MAILCTL" --json domain list 2>/dev/null | jq -e --arg d "$DOMAIN" 'any(.[]; .domain == $d)' >/dev/null; then
  "$MAILCTL" --quiet domain add "$DOMAIN" --create
fi

# Users from a CSV: address,password_or_hash[,quota]. All or nothing; --skip-bad would import
# the good lines and still exit 1.
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
cat >"$csv" <<CSV
address,password,quota
alice@$DOMAIN,{SHA512-CRYPT}\$6\$saltsalt\$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1,2G
bob@$DOMAIN,\$2y\$05\$fdDzU/K/PETLXAePxymtHuoOEnmtT7NQtAfjRyI9ujlp3altqOCSm,500M
CSV
existing=$("$MAILCTL" --json user list --domain "$DOMAIN" | jq 'length')
if [ "$existing" -eq 0 ]; then
  "$MAILCTL" --json user import "$csv" | jq -e '.imported == 2' >/dev/null
fi

# Aliases: a distribution list and a catch-all. Adding an existing pair is not an error.
"$MAILCTL" --quiet alias add "team@$DOMAIN" "alice@$DOMAIN" "bob@$DOMAIN"
"$MAILCTL" --quiet alias add "@$DOMAIN" "alice@$DOMAIN"

# Check the result as data, not as text.
"$MAILCTL" --json user list --domain "$DOMAIN" |
  jq -e 'map(.address) | sort == ["alice@example.org", "bob@example.org"]' >/dev/null
"$MAILCTL" --json alias list --domain "$DOMAIN" |
  jq -e 'map(select(.source == "team@example.org"))[0].destinations | length == 2' >/dev/null

# A wrong password must fail with exit code 1.
if printf 'wrong\n' | "$MAILCTL" --quiet user test-password "alice@$DOMAIN" --password-stdin; then
  echo "a wrong password was accepted" >&2
  exit 1
fi
printf 'secret\n' | "$MAILCTL" --quiet user test-password "alice@$DOMAIN" --password-stdin

"$MAILCTL" --json status | jq '{domains, users, aliases}'
