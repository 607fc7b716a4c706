// Command pulumi-language-python is a small Python language host for the Pulumi engine.
//
// Why it exists: the Go module proxy that our machines reach refuses every version of
// github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3 (403 "This module
// version is not available"), so the upstream host cannot be built here. This host
// implements the part of the LanguageRuntime protocol that `pulumi preview/up/refresh/
// destroy` of a Python program needs, and runs the program through the upstream
// pulumi-language-python-exec script (taken from the pinned sdk/v3 module) with the same
// arguments and environment the upstream host passes. Plugin discovery follows the
// upstream host's rules (packages.go): a Python package that would make the real host
// fetch a plugin makes this one ask for it too.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"

	pbempty "google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// bailExitCode is what pulumi-language-python-exec exits with after it has already shown
// the user an actionable error; the engine must not print a second one.
const bailExitCode = 32

const execScriptName = "pulumi-language-python-exec"

func main() {
	// The engine may pass logging and tracing flags to every plugin. glog (linked in
	// through the SDK) already defines -logtostderr and -v; define the others we may be
	// given so an unknown flag never kills the host.
	for _, name := range []string{"logflow", "logtostderr"} {
		if flag.Lookup(name) == nil {
			flag.Bool(name, false, "accepted for compatibility with the engine")
		}
	}
	if flag.Lookup("v") == nil {
		flag.Int("v", 0, "accepted for compatibility with the engine")
	}
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flag.String("root", "", "project root (unused)")
	flag.Parse()

	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-language-python [flags] ENGINE_ADDRESS")
		os.Exit(1)
	}

	execPath, err := findExecScript()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	host := &languageHost{engineAddress: args[0], tracing: *tracing, execPath: execPath}
	go host.stopOnSignal()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host RPC stopped: %v\n", err)
		os.Exit(1)
	}
}

// findExecScript looks beside this binary first (the install script puts it there),
// then on PATH, like the upstream host.
func findExecScript() (string, error) {
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			candidate := filepath.Join(filepath.Dir(resolved), execScriptName)
			if _, err := os.Stat(candidate); err == nil {
				return candidate, nil
			}
		}
	}
	if found, err := exec.LookPath(execScriptName); err == nil {
		return found, nil
	}
	return "", fmt.Errorf("%s not found beside the language host or on PATH", execScriptName)
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string
	execPath      string

	mu      sync.Mutex
	program *os.Process // the running program, if any
}

// stopOnSignal ends the host, and the program with it, when the engine shuts plugins
// down (SIGINT to the host's process group, then SIGKILL after 5 s). The program runs
// in a process group of its own, so it never sees that SIGINT: a program still blocked
// on a failed deployment would otherwise linger, hold the engine's stdout pipe open and
// make every failed run wait the engine's full 5 s.
func (h *languageHost) stopOnSignal() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	<-signals
	h.mu.Lock()
	if h.program != nil {
		_ = syscall.Kill(-h.program.Pid, syscall.SIGKILL)
	}
	h.mu.Unlock()
	os.Exit(0)
}

func (h *languageHost) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages reports the resource plugins the program's Python packages need,
// by the upstream host's rules (packages.go). Our own package says "resource": false.
func (h *languageHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, errors.New("package request carries no program info")
	}
	python, env, err := pythonCommand(info.GetRootDirectory(), info.GetOptions())
	if err != nil {
		return nil, err
	}
	packages, err := installedPackages(ctx, python, info.GetRootDirectory(), env)
	if err != nil {
		return nil, err
	}
	required, needing, err := requiredPackages(packages)
	if err != nil {
		return nil, err
	}
	if os.Getenv(forbidPluginsEnv) == "true" && len(required) > 0 {
		return nil, forbiddenPlugins(needing, required)
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: required}, nil
}

// GetRequiredPlugins is superseded by GetRequiredPackages, as in the upstream host: the
// engine asks for packages first.
func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return nil, status.Error(codes.Unimplemented, "GetRequiredPlugins is superseded by GetRequiredPackages")
}

// Cancel is a no-op, as in the upstream host: when the engine stops, the program's
// pending resource registrations fail and it exits on its own. Interrupting it here
// would only print a KeyboardInterrupt traceback over the real error.
func (h *languageHost) Cancel(context.Context, *pbempty.Empty) (*pbempty.Empty, error) {
	return &pbempty.Empty{}, nil
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, errors.New("run request carries no program info")
	}
	python, env, err := pythonCommand(info.GetRootDirectory(), info.GetOptions())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	program := filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint())
	args := []string{
		"-u", h.execPath,
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.engineAddress,
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--pwd", req.GetPwd(),
		"--dry_run", strconv.FormatBool(req.GetDryRun()),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
		"--root_directory", info.GetRootDirectory(),
	}
	if org := req.GetOrganization(); org != "" {
		args = append(args, "--organization", org)
	}
	if h.tracing != "" {
		args = append(args, "--tracing", h.tracing)
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{} // a stack without config: "{}", never "null"
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("encoding config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("encoding secret config keys: %w", err)
	}
	env = append(env,
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)

	cmd := exec.Command(python, args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	// Its own process group (see stopOnSignal), and killed if this host dies, even by
	// SIGKILL. Pdeathsig follows the OS thread that started the child: pin it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run %s: %v", python, err)}, nil
	}
	h.mu.Lock()
	h.program = cmd.Process
	h.mu.Unlock()
	runErr := cmd.Wait()
	h.mu.Lock()
	h.program = nil
	h.mu.Unlock()

	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(runErr, &exitErr) && exitErr.ExitCode() == bailExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(runErr, &exitErr):
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run %s: %v", python, runErr)}, nil
	}
}

// pythonCommand picks the interpreter the way the upstream host does for the pip
// toolchain: the project's `virtualenv` runtime option, else PULUMI_PYTHON_CMD, else
// python3 from PATH.
func pythonCommand(root string, options *structpb.Struct) (string, []string, error) {
	env := os.Environ()
	venv := ""
	if options != nil {
		if v, ok := options.GetFields()["virtualenv"]; ok {
			venv = v.GetStringValue()
		}
		if v, ok := options.GetFields()["toolchain"]; ok && v.GetStringValue() != "pip" {
			return "", nil, fmt.Errorf(
				"the 'toolchain' option in Pulumi.yaml is %q; this language host supports pip only",
				v.GetStringValue())
		}
	}
	if venv == "" {
		if cmd := os.Getenv("PULUMI_PYTHON_CMD"); cmd != "" {
			return cmd, env, nil
		}
		return "python3", env, nil
	}
	if !filepath.IsAbs(venv) {
		venv = filepath.Join(root, venv)
	}
	python := filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(python); err != nil {
		return "", nil, fmt.Errorf(
			"the 'virtualenv' option in Pulumi.yaml is %q, but %s does not exist; "+
				"create it with `python3 -m venv %s` and install the program's requirements",
			venv, python, venv)
	}
	env = append(env,
		"VIRTUAL_ENV="+venv,
		"PATH="+filepath.Join(venv, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
	)
	return python, env, nil
}
