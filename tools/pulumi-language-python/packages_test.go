package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// site makes a site directory holding the given packages' module directories, each
// with the given pulumi-plugin.json content ("" for none).
func site(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for module, content := range files {
		if err := os.MkdirAll(filepath.Join(dir, module), 0o755); err != nil {
			t.Fatal(err)
		}
		if content != "" {
			if err := os.WriteFile(filepath.Join(dir, module, pluginFile), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func required(t *testing.T, packages ...pythonPackage) []*pulumirpc.PackageDependency {
	t.Helper()
	deps, needing, err := requiredPackages(packages)
	if err != nil {
		t.Fatal(err)
	}
	if len(needing) != len(deps) {
		t.Fatalf("%d plugins but %d packages needing them", len(deps), len(needing))
	}
	return deps
}

func summary(deps []*pulumirpc.PackageDependency) []string {
	out := []string{}
	for _, d := range deps {
		line := d.Kind + " " + d.Name + " " + d.Version
		if d.Server != "" {
			line += " " + d.Server
		}
		if p := d.Parameterization; p != nil {
			line += " param " + p.Name + " " + p.Version + " " + string(p.Value)
		}
		out = append(out, line)
	}
	return out
}

func expect(t *testing.T, got []*pulumirpc.PackageDependency, want ...string) {
	t.Helper()
	if strings.Join(summary(got), "\n") != strings.Join(want, "\n") {
		t.Fatalf("required plugins:\n got %q\nwant %q", summary(got), want)
	}
}

func TestOurPackageNeedsNoPluginBecauseItsPluginJSONSaysResourceFalse(t *testing.T) {
	dir := site(t, map[string]string{"pulumi_contextsms": `{"resource": false, "name": "contextsms"}`})
	expect(t, required(t, pythonPackage{"pulumi-contextsms", "0.1.0", dir}))
}

func TestAPulumiPrefixedPackageWithoutPluginJSONNeedsAPluginNamedAfterIt(t *testing.T) {
	dir := site(t, map[string]string{"pulumi_aws": "", "pulumi_contextsms": ""})
	expect(t,
		required(t, pythonPackage{"pulumi-aws", "6.1.0", dir}, pythonPackage{"pulumi-contextsms", "0.1.0", dir}),
		"resource aws v6.1.0", "resource contextsms v0.1.0")
}

func TestTheUnderscorePrefixCountsButOnlyTheHyphenPrefixIsTrimmed(t *testing.T) {
	expect(t, required(t, pythonPackage{"pulumi_random", "4.16.0", t.TempDir()}),
		"resource pulumi_random v4.16.0")
}

func TestAnEditableInstallWithoutThePluginJSONInItsSiteDirectoryNeedsAPlugin(t *testing.T) {
	// pip reports an editable install's site directory as its location, where only a
	// .pth file and the dist-info are; the source tree's pulumi-plugin.json is not looked
	// at (upstream does not either).
	sitePackages := site(t, map[string]string{})
	expect(t, required(t, pythonPackage{"pulumi-contextsms", "0.1.0", sitePackages}),
		"resource contextsms v0.1.0")
}

func TestThePluginJSONGivesNameVersionServerAndParameterization(t *testing.T) {
	dir := site(t, map[string]string{
		"pulumi_xyz": `{"resource": true, "name": "xyz-native", "version": "2.0.0-beta.1",
			"server": "https://plugins.example.test", "parameterization":
			{"name": "xyz", "version": "1.0.0", "value": "eyJhIjoxfQ=="}}`,
	})
	expect(t, required(t, pythonPackage{"pulumi-xyz", "9.9.9", dir}),
		`resource xyz-native v2.0.0-beta.1 https://plugins.example.test param xyz 1.0.0 {"a":1}`)
}

func TestAnUnprefixedPackageIsAPulumiPackageOnlyWithAPluginJSON(t *testing.T) {
	dir := site(t, map[string]string{"acme_infra": `{"resource": true}`, "httpx": "", "pulumi": ""})
	expect(t,
		required(t,
			pythonPackage{"acme-infra", "1.2", dir},
			pythonPackage{"httpx", "0.28.1", dir},
			pythonPackage{"pulumi", "3.260.0", dir}),
		"resource acme-infra v1.2.0")
}

func TestPolicyAndEscPackagesAreKnownToNeedNoPlugin(t *testing.T) {
	dir := t.TempDir()
	expect(t, required(t,
		pythonPackage{"pulumi-policy", "1.13.0", dir}, pythonPackage{"pulumi_policy", "1.13.0", dir},
		pythonPackage{"pulumi-esc-sdk", "0.12.0", dir}, pythonPackage{"pulumi_esc_sdk", "0.12.0", dir}))
}

func TestAMalformedPluginJSONFailsTheRequestNamingThePackage(t *testing.T) {
	dir := site(t, map[string]string{"pulumi_broken": `{"resource": tru`})
	_, _, err := requiredPackages([]pythonPackage{{"pulumi-broken", "1.0.0", dir}})
	if err == nil || !strings.Contains(err.Error(), "pulumi-broken") {
		t.Fatalf("want an error naming pulumi-broken, got %v", err)
	}
}

func TestAVersionWithoutASemverReadingSkipsThePackage(t *testing.T) {
	dir := t.TempDir()
	expect(t, required(t, pythonPackage{"pulumi-epoch", "1!2.0", dir}, pythonPackage{"pulumi-local", "1.0+abc", dir}))
}

func TestPEP440VersionsReadAsSemver(t *testing.T) {
	for version, want := range map[string]string{
		"1":                 "1.0.0",
		"1.2":               "1.2.0",
		"1.2.3":             "1.2.3",
		"1.2.3a4":           "1.2.3-alpha.4",
		"1.2.3b4":           "1.2.3-beta.4",
		"1.2.3rc4":          "1.2.3-rc.4",
		"1.2.3.post4":       "1.2.3+post4",
		"1.2.3.dev5":        "1.2.3+dev5",
		"1.2.3.post4.dev5":  "1.2.3+post4dev5",
		"3.31.0a1605189729": "3.31.0-alpha.1605189729",
	} {
		if got, ok := semverOfPEP440(version); !ok || got != want {
			t.Errorf("semverOfPEP440(%q) = %q, %v; want %q", version, got, ok, want)
		}
	}
	for _, version := range []string{"", "1!1.0", "1.0+local", "v1.0", "1.0.0-beta", "1.0a"} {
		if got, ok := semverOfPEP440(version); ok {
			t.Errorf("semverOfPEP440(%q) = %q; want no semver reading", version, got)
		}
	}
}

func TestTheInterpreterListsItsDistributionsWithTheirSiteDirectory(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	dir := t.TempDir()
	for name, version := range map[string]string{"pulumi_fakecloud": "1.2.3", "Other_Dist": "0.1"} {
		info := filepath.Join(dir, name+"-"+version+".dist-info")
		if err := os.MkdirAll(info, 0o755); err != nil {
			t.Fatal(err)
		}
		metadata := "Metadata-Version: 2.1\nName: " + strings.ReplaceAll(name, "_", "-") + "\nVersion: " + version + "\n"
		if err := os.WriteFile(filepath.Join(info, "METADATA"), []byte(metadata), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "PYTHONPATH="+dir)
	packages, err := installedPackages(context.Background(), python, dir, env)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]pythonPackage{}
	for _, p := range packages {
		found[p.Name] = p
	}
	if got := found["pulumi-fakecloud"]; got.Version != "1.2.3" || got.Location != dir {
		t.Fatalf("pulumi-fakecloud listed as %+v; want version 1.2.3 at %s", got, dir)
	}
	if _, ok := found["Other-Dist"]; !ok {
		t.Fatalf("Other-Dist not listed: %v", found)
	}
}

func TestForbiddenPluginsNameThePackageAndThePlugin(t *testing.T) {
	pkg := pythonPackage{"pulumi-fakecloud", "1.2.3", t.TempDir()}
	deps := required(t, pkg)
	err := forbiddenPlugins([]pythonPackage{pkg}, deps)
	want := "pulumi-fakecloud 1.2.3 needs resource plugin fakecloud v1.2.3"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want an error containing %q, got %v", want, err)
	}
}
