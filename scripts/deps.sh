#!/usr/bin/env bash
# Installs the system packages schemagate's tests use, when missing:
# PostgreSQL (server binaries for the embedded test cluster), git, and the
# real frameworks the differential tests run (ActiveRecord, Django,
# Alembic), pre-commit (the hooks' test runs them through it), and the
# editors the editor tests drive headless (Neovim, Emacs with eglot, ALE,
# efm-langserver). Idempotent; needs root (or sudo) only when something is
# missing.
set -euo pipefail

pkgs=(git postgresql postgresql-contrib ruby-activerecord ruby-pg python3-django python3-psycopg2 alembic pre-commit
  neovim emacs-nox elpa-eglot vim-ale efm-langserver)
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
