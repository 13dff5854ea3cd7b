# Sourced by the other scripts: the project's virtualenv and a collection path in which
# glusterdock.storage is this checkout, so playbooks, Molecule and ansible-doc use the code here.
# shellcheck shell=bash
GLUSTERDOCK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GLUSTERDOCK_ROOT
GLUSTERDOCK_VENV="${GLUSTERDOCK_VENV:-$GLUSTERDOCK_ROOT/.venv}"

ensure_venv() {
  local stamp="$GLUSTERDOCK_VENV/.requirements.sha256" want
  want=$(sha256sum "$GLUSTERDOCK_ROOT/requirements-dev.txt" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "env: installing development requirements into $GLUSTERDOCK_VENV"
    python3 -m venv "$GLUSTERDOCK_VENV"
    "$GLUSTERDOCK_VENV/bin/pip" install -q -r "$GLUSTERDOCK_ROOT/requirements-dev.txt" > "$GLUSTERDOCK_VENV/pip.log" 2>&1 \
      || { tail -30 "$GLUSTERDOCK_VENV/pip.log" >&2; return 1; }
    echo "$want" > "$stamp"
  fi
}

ensure_collection_path() {
  local link="$GLUSTERDOCK_ROOT/.build/collections/ansible_collections/glusterdock/storage"
  mkdir -p "$(dirname "$link")"
  [ -L "$link" ] || ln -sfn "$GLUSTERDOCK_ROOT" "$link"
}

ensure_venv
ensure_collection_path
export PATH="$GLUSTERDOCK_VENV/bin:$PATH"
# The bundled collections (community.docker, ansible.posix) come from the venv's site-packages.
export ANSIBLE_COLLECTIONS_PATH="$GLUSTERDOCK_ROOT/.build/collections"
export ANSIBLE_ROLES_PATH="$GLUSTERDOCK_ROOT/roles"
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-0}"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}"
export PY_COLORS=0
