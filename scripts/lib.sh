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
