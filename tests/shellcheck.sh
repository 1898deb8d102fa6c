#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The suite's shell code passes shellcheck: every warning, and, whatever
# their level, the checks for a negation that fails nothing (in bats, `! cmd`
# never fails a test: set -e ignores it).
set -euo pipefail
cd "$(dirname "$0")/.."
files=(tests/integration/*.bats tests/integration/fixtures/*.bats tests/integration/*.bash tests/shellcheck.sh tests/reproducible.sh .ci/run bench/run.sh bench/peers.bash bench/lib.bash bench/first_load.sh
	examples/kubernetes/install.sh examples/ci/*.sh)
shellcheck -s bash -S warning "${files[@]}"
shellcheck -s bash -i SC2251,SC2314,SC2315 "${files[@]}"
# A bare `! cmd` is flagged by shellcheck as a test's last command only, not inside a loop
# or a block: any line that is only a negated command fails here.
if grep -nE '^\s*! ' "${files[@]}" | grep -vE ' (\|\||&&) '; then
	echo "a negated command above fails nothing under set -e: use run ! or run -1" >&2
	exit 1
fi
echo "shellcheck: ${#files[@]} files clean"
