# Shared set-up for the scripts in this folder: sourced, not run.
# Installs uv (from PyPI) and the locked Python packages, and Debian packages when root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export UV_PYTHON="${UV_PYTHON:-python3}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_uv() {
  if python3 -m uv --version >/dev/null 2>&1; then return; fi
  say "installing uv (the Python package manager) from PyPI"
  if [ "$(id -u)" = 0 ]; then
    python3 -m pip install --quiet uv
  else
    python3 -m pip install --quiet --user uv
  fi
}

# What WeasyPrint needs to draw PDFs (text shaping, font subsetting, one font family).
PDF_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)

# ensure_debian_packages PKG... : installs missing Debian packages as root; otherwise says how.
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "selfmob needs these Debian packages: ${missing[*]}" >&2
    echo "Install them as root:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_python_env() {
  ensure_uv
  say "installing Python packages from uv.lock"
  python3 -m uv sync --locked --quiet
}

uvrun() { python3 -m uv run --locked --quiet "$@"; }

# ensure_postgres: a PostgreSQL 15 server on 127.0.0.1:5432 with a `selfmob` role that may
# create databases; prints its DATABASE_URL. Installs and starts it as root (no systemd).
# Elsewhere, set SELFMOB_TEST_DATABASE_URL to a server you run.
ensure_postgres() {
  if [ -n "${SELFMOB_TEST_DATABASE_URL:-}" ]; then echo "$SELFMOB_TEST_DATABASE_URL"; return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL tests need root (to install and start PostgreSQL 15) or SELFMOB_TEST_DATABASE_URL" >&2
    return 1
  fi
  ensure_debian_packages postgresql-15 >&2
  pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx 15/main || pg_createcluster 15 main --port 5432 >&2
  pg_ctlcluster 15 main status >/dev/null 2>&1 || pg_ctlcluster 15 main start >&2
  for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
  su postgres -c "psql -v ON_ERROR_STOP=1 -q" >&2 <<'SQL'
DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='selfmob') THEN
  CREATE ROLE selfmob LOGIN PASSWORD 'selfmob' CREATEDB; END IF; END$$;
SQL
  echo "postgres://selfmob:selfmob@127.0.0.1:5432/selfmob"
}
