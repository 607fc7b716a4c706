package main

// Plugin discovery: which resource plugins the program's Python environment needs.
//
// The rules are the upstream Python host's (read from pulumi/pulumi,
// sdk/python/cmd/pulumi-language-python: isPulumiPackage, readPulumiPluginJSON,
// determinePackageDependency, determinePluginVersion), so that a package the real host
// would want a plugin for is asked for here too, and a CLI without automatic plugin
// acquisition fails on it in our tests as it would for a user:
//
//   - every installed distribution is considered (dependencies of dependencies too);
//   - it is a Pulumi package if <its site directory>/<name with "-" as "_">/pulumi-plugin.json
//     exists, or if its name starts with "pulumi-" or "pulumi_";
//   - pulumi-policy and pulumi-esc-sdk (either spelling) are known to need no plugin;
//   - a pulumi-plugin.json with "resource": false means no plugin; one that does not parse
//     fails the whole request;
//   - otherwise the plugin is a resource plugin named by the file's "name" (default: the
//     package name without "pulumi-"), at the file's "version" (default: the package's
//     PEP 440 version as semver; a version that does not translate skips the package),
//     with the file's "server" and parameterization.
//
// The file is looked for where the package's modules are installed, not in an editable
// install's source tree: an editable install must put it there too (pyproject.toml does).
//
// The engine treats a required plugin it cannot install as best effort (it tries a
// download, logs a failure at -v=7, and goes on until a resource needs the plugin), so a
// wrong answer would go unnoticed offline. With CONTEXTSMS_HOST_FORBID_PLUGINS=true (the
// test suite and scripts/pulumi-env.sh set it) any required plugin fails the command
// instead, naming the package: where the real host would try a download, we fail.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// pythonPackage is one installed distribution, as `pip list -v --format json` names it.
type pythonPackage struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Location string `json:"location"` // the site directory its files are installed under
}

// listDistributions prints every distribution on the interpreter's sys.path, first one
// of each name only, as pip does: importlib.metadata is what pip reads, without pip's
// second of start-up on every CLI command.
const listDistributions = `
import json, os, re, sys
from importlib import metadata
seen, found = set(), []
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    key = re.sub(r"[-_.]+", "-", name or "").lower()
    if not name or key in seen:
        continue
    seen.add(key)
    found.append({"name": name, "version": dist.version, "location": os.path.abspath(dist.locate_file(""))})
json.dump(found, sys.stdout)
`

// packagesWithoutPlugins are the Pulumi packages upstream knows to have no plugin.
var packagesWithoutPlugins = map[string]bool{
	"pulumi-policy": true, "pulumi_policy": true, "pulumi-esc-sdk": true, "pulumi_esc_sdk": true,
}

const pluginFile = "pulumi-plugin.json"

// forbidPluginsEnv makes any plugin requirement an error (see above).
const forbidPluginsEnv = "CONTEXTSMS_HOST_FORBID_PLUGINS"

func installedPackages(ctx context.Context, python, dir string, env []string) ([]pythonPackage, error) {
	cmd := exec.CommandContext(ctx, python, "-c", listDistributions)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return nil, fmt.Errorf("listing the packages installed for %s: %w\n%s", python, err, exitErr.Stderr)
		}
		return nil, fmt.Errorf("listing the packages installed for %s: %w", python, err)
	}
	var packages []pythonPackage
	if err := json.Unmarshal(out, &packages); err != nil {
		return nil, fmt.Errorf("reading the package list of %s: %w", python, err)
	}
	return packages, nil
}

// pluginJSON reads the package's pulumi-plugin.json; nil if it has none.
func pluginJSON(pkg pythonPackage) (*plugin.PulumiPluginJSON, error) {
	module := strings.ReplaceAll(pkg.Name, "-", "_")
	found, err := plugin.LoadPulumiPluginJSON(filepath.Join(pkg.Location, module, pluginFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("package %s: reading %s: %w", pkg.Name, pluginFile, err)
	}
	return found, nil
}

// requiredPackages applies the rules above to every installed package: the plugins
// needed, and the package needing each.
func requiredPackages(packages []pythonPackage) ([]*pulumirpc.PackageDependency, []pythonPackage, error) {
	required := []*pulumirpc.PackageDependency{}
	needing := []pythonPackage{}
	for _, pkg := range packages {
		if packagesWithoutPlugins[pkg.Name] {
			continue
		}
		spec, err := pluginJSON(pkg)
		if err != nil {
			return nil, nil, err
		}
		prefixed := strings.HasPrefix(pkg.Name, "pulumi-") || strings.HasPrefix(pkg.Name, "pulumi_")
		if spec == nil && !prefixed {
			continue // not a Pulumi package
		}
		dep, ok := packageDependency(pkg, spec)
		if ok {
			required = append(required, dep)
			needing = append(needing, pkg)
		}
	}
	return required, needing, nil
}

// forbiddenPlugins is the error for required plugins when they are forbidden.
func forbiddenPlugins(packages []pythonPackage, required []*pulumirpc.PackageDependency) error {
	names := make([]string, len(required))
	for i, dep := range required {
		names[i] = fmt.Sprintf("%s %s needs resource plugin %s %s",
			packages[i].Name, packages[i].Version, dep.Name, dep.Version)
	}
	return fmt.Errorf(
		"%s: the upstream Python language host would try to download it, and %s=true "+
			"forbids that (a package without a plugin ships pulumi-plugin.json with "+
			"\"resource\": false beside its modules)",
		strings.Join(names, "; "), forbidPluginsEnv)
}

// packageDependency is the plugin one Pulumi package needs; false when it needs none or
// its version cannot be told.
func packageDependency(pkg pythonPackage, spec *plugin.PulumiPluginJSON) (*pulumirpc.PackageDependency, bool) {
	dep := &pulumirpc.PackageDependency{Kind: "resource"}
	if spec != nil {
		if !spec.Resource {
			return nil, false
		}
		dep.Name, dep.Version, dep.Server = spec.Name, spec.Version, spec.Server
		if p := spec.Parameterization; p != nil {
			dep.Parameterization = &pulumirpc.PackageParameterization{
				Name: p.Name, Version: p.Version, Value: p.Value,
			}
		}
	}
	if dep.Name == "" {
		dep.Name = strings.TrimPrefix(pkg.Name, "pulumi-")
	}
	if dep.Version == "" {
		version, ok := semverOfPEP440(pkg.Version)
		if !ok {
			return nil, false
		}
		dep.Version = version
	}
	if !strings.HasPrefix(dep.Version, "v") {
		dep.Version = "v" + dep.Version
	}
	return dep, true
}

// pep440 is the part of PEP 440 that has a semver reading: release segments, one
// a/b/rc pre-release, .postN, .devN. Epochs and local versions have none.
var pep440 = regexp.MustCompile(`^(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?$`)

// semverOfPEP440 translates a package version the way upstream does: at least three
// release segments (1.0 is 1.0.0), a1/b1/rc1 as -alpha.1/-beta.1/-rc.1, and .post/.dev
// as build metadata (1.2.3.post4.dev5 is 1.2.3+post4dev5).
func semverOfPEP440(version string) (string, bool) {
	m := pep440.FindStringSubmatch(version)
	if m == nil {
		return "", false
	}
	release := strings.Split(m[1], ".")
	for len(release) < 3 {
		release = append(release, "0")
	}
	out := strings.Join(release, ".")
	if m[2] != "" {
		out += "-" + map[string]string{"a": "alpha", "b": "beta", "rc": "rc"}[m[2]] + "." + m[3]
	}
	build := ""
	if m[4] != "" {
		build += "post" + m[4]
	}
	if m[5] != "" {
		build += "dev" + m[5]
	}
	if build != "" {
		out += "+" + build
	}
	return out, true
}
