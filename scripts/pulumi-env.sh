# Sourced by the scripts that run the Pulumi CLI: offline by construction.
# The CLI and the language host come from .venv/bin (scripts/install-pulumi.sh); no
# update check, no plugin download, and a local file state backend chosen by the caller.
export PATH="$PWD/.venv/bin:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
# Our language host fails a command whose Python packages need a resource plugin (where
# the upstream host would try a download): see tools/pulumi-language-python/packages.go.
export CONTEXTSMS_HOST_FORBID_PLUGINS=true
