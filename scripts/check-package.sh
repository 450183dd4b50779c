#!/usr/bin/env bash
# Packs the package as `npm publish` would (prepack builds dist/), then checks the tarball with
# @arethetypeswrong/cli (types resolve for every entry point of "exports", under node10, node16
# from CommonJS and from ESM, and bundlers) and publint (package.json fields point at files that
# exist, in the right format). Both read the entry points from package.json, whatever it lists.
# Run with `npm run check:package`; exits non-zero on any problem either tool reports.
set -euo pipefail
cd "$(dirname "$0")/.."

workdir=$(mktemp -d "${TMPDIR:-/tmp}/express-jwt-auth-package-check.XXXXXX")
trap 'rm -rf "$workdir"' EXIT

echo "npm pack (runs the build)"
# npm pack prints the build's output on stdout too; the tarball is the only file in workdir.
npm pack --pack-destination "$workdir" >"$workdir/pack.log" 2>&1 || { cat "$workdir/pack.log"; exit 1; }
tarballs=("$workdir"/*.tgz)
tarball=${tarballs[0]}
echo "packed $(basename "$tarball")"

status=0
attw "$tarball" || status=1
publint --strict "$tarball" || status=1
exit $status
