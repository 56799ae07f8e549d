# Shared settings for the project's commands (sourced, not executed).
#
# Everything that lives outside the clone is under XERO_CONNECTOR_HOME, so a
# fresh clone reuses the Python environment and Odoo installed by a previous
# `scripts/run --setup-only`:
#   $XERO_CONNECTOR_HOME/            a Python virtualenv (bin/python, lib/ ...)
#   $XERO_CONNECTOR_HOME/odoo-src/   Odoo 18 source, when cloned by the setup
#   $XERO_CONNECTOR_HOME/var/        Odoo data dir, config, logs, addons link
#                                    (XERO_CONNECTOR_VAR points elsewhere)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
XERO_CONNECTOR_HOME="${XERO_CONNECTOR_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/xero-connector}"
VENV="$XERO_CONNECTOR_HOME"
VENV_PY="$VENV/bin/python"
VAR_DIR="${XERO_CONNECTOR_VAR:-$XERO_CONNECTOR_HOME/var}"
ODOO_HTTP_PORT="${ODOO_HTTP_PORT:-8069}"
SANDBOX_PORT="${SANDBOX_PORT:-8070}"
DEMO_DB="${DEMO_DB:-xero_demo}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[1;33m!!! %s\033[0m\n' "$*" >&2; }

# True when the virtualenv holds an importable Odoo 18.
odoo_installed() {
    [ -x "$VENV_PY" ] && "$VENV_PY" -c \
        'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)' \
        >/dev/null 2>&1
}

# Directory holding Odoo's own addons (base addons live inside the package).
odoo_addons_dir() {
    "$VENV_PY" - <<'PY'
import os, odoo
root = os.path.dirname(os.path.dirname(odoo.__file__))
path = os.path.join(root, "addons")
print(path if os.path.isdir(path) else os.path.join(os.path.dirname(odoo.__file__), "addons"))
PY
}

# Odoo finds addons by directory name: expose this clone as `xero_connector`
# inside a private addons directory given as $1.
link_addon() {
    mkdir -p "$1"
    ln -sfn "$REPO_ROOT" "$1/xero_connector"
}

pg_args() {
    local args=()
    [ -n "${PGHOST:-}" ] && args+=(--db_host "$PGHOST")
    [ -n "${PGPORT:-}" ] && args+=(--db_port "$PGPORT")
    [ -n "${PGUSER:-}" ] && args+=(--db_user "$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && args+=(--db_password "$PGPASSWORD")
    [ ${#args[@]} -eq 0 ] || printf '%s\n' "${args[@]}"
}
