# Sourced by the profile scripts: the commit a result came from, as the echo tool's Machine.Commit names it
# (12 hex digits, with -dirty when tracked files differ from it).
commit_stamp() {
  echo "$(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- || echo -dirty)"
}
