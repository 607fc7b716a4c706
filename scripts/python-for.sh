#!/usr/bin/env bash
# Prints the path of a CPython interpreter of the given minor version (e.g. 3.13):
# `pythonX.Y` from PATH if it runs, else pyenv's newest X.Y.* build. Exits 1, saying how
# to get one, if there is none.
set -euo pipefail
version=${1:?usage: scripts/python-for.sh X.Y}
if command -v "python$version" >/dev/null 2>&1 && "python$version" -c '' >/dev/null 2>&1; then
    command -v "python$version"
    exit 0
fi
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for candidate in $(ls -d "$root/versions/$version".* 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/bin/python$version" ] && "$candidate/bin/python$version" -c '' 2>/dev/null; then
        echo "$candidate/bin/python$version"
        exit 0
    fi
done
echo "python-for: no Python $version found (neither python$version on PATH nor in $root/versions); install it, e.g. \`pyenv install $version\`" >&2
exit 1
