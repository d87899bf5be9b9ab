// Package netnstest is what the end-to-end tests share: throwaway network namespaces, commands run in
// them, the module's commands built once per test binary (Binary, RouterBinary), and a router process
// driven through its standard input (StartRouter, Run, MustRun). Everything it creates is removed in
// t.Cleanup, also when the test fails; processes are stopped by PID.
package netnstest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// RequireRoot skips the test unless it runs as root with the named programs on PATH.
func RequireRoot(t testing.TB, programs ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces and TUN devices)")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("no /dev/net/tun")
	}
	for _, p := range append([]string{"ip"}, programs...) {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s is not installed", p)
		}
	}
}

// Namespace creates a named network namespace with lo up and removes it when the test ends.
// Names get the process ID appended so parallel test binaries do not collide.
func Namespace(t testing.TB, base string) string {
	t.Helper()
	name := fmt.Sprintf("%s-%d", base, os.Getpid())
	_ = exec.Command("ip", "netns", "del", name).Run()
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v\n%s", name, err, out)
		}
	})
	Exec(t, name, "ip", "link", "set", "lo", "up")
	return name
}

// Exec runs a command inside a namespace and fails the test if it fails.
func Exec(t testing.TB, ns string, args ...string) string {
	t.Helper()
	out, err := Try(ns, args...)
	if err != nil {
		t.Fatalf("ip netns exec %s %s: %v\n%s", ns, strings.Join(args, " "), err, out)
	}
	return out
}

// Try runs a command inside a namespace and returns its combined output and error.
func Try(ns string, args ...string) (string, error) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// builds are the commands built so far by this test binary, by package.
var builds sync.Map // string -> *build

type build struct {
	once sync.Once
	path string
	err  error
}

// Binary builds the command pkg (a package path from the module root, such as ./cmd/labs) once per
// test binary and returns the program's path.
func Binary(t testing.TB, pkg string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(pkg, &build{})
	b := v.(*build)
	b.once.Do(func() { b.path, b.err = goBuild(pkg) })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// RouterBinary builds cmd/router once per test binary and returns its path.
func RouterBinary(t testing.TB) string { return Binary(t, "./cmd/router") }

func goBuild(pkg string) (string, error) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir, err := os.MkdirTemp("", "natlab-build-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return out, nil
}

// Router is a running router process whose standard input is a command script being written and whose
// standard output is the session transcript.
type Router struct {
	t     testing.TB
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	out   bytes.Buffer
	done  chan struct{}
}

type lockedWriter struct{ r *Router }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.out.Write(p)
}

// StartRouter runs the router binary with args; it is stopped (by PID) when the test ends.
func StartRouter(t testing.TB, args ...string) *Router {
	t.Helper()
	return startRouter(t, exec.Command(RouterBinary(t), args...))
}

// StartRouterIn is StartRouter with the router process inside the named network namespace (ip netns
// exec), as a router container runs: its eth: ports name interfaces of that namespace.
func StartRouterIn(t testing.TB, netns string, args ...string) *Router {
	t.Helper()
	return startRouter(t, exec.Command("ip", append([]string{"netns", "exec", netns, RouterBinary(t)}, args...)...))
}

func startRouter(t testing.TB, cmd *exec.Cmd) *Router {
	t.Helper()
	r := &Router{t: t, cmd: cmd, done: make(chan struct{})}
	r.cmd.Stdout = lockedWriter{r}
	r.cmd.Stderr = lockedWriter{r}
	stdin, err := r.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.stdin = stdin
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		r.stdin.Close()
		select {
		case <-r.done:
		case <-time.After(3 * time.Second):
			_ = r.cmd.Process.Kill()
			<-r.done
		}
		if t.Failed() {
			t.Logf("router transcript:\n%s", r.Transcript())
		}
	})
	return r
}

// Transcript is everything the router printed so far.
func (r *Router) Transcript() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

var promptOnly = regexp.MustCompile(`(?m)^[A-Za-z0-9_.-]+(\([a-z-]+\))?[#>]\n`)

// Run types the lines into the router and returns what the router printed for them, waiting until it
// is ready for the next line (an empty line is sent after them and its bare prompt echo awaited).
func (r *Router) Run(timeout time.Duration, lines ...string) string {
	r.t.Helper()
	start := len(r.Transcript())
	if _, err := io.WriteString(r.stdin, strings.Join(lines, "\n")+"\n\n"); err != nil {
		r.t.Fatalf("writing to router: %v", err)
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		out := r.Transcript()[start:]
		if loc := promptOnly.FindStringIndex(out); loc != nil && strings.Count(out[:loc[0]], "\n") >= len(lines)-1 {
			return out[:loc[0]]
		}
		select {
		case <-r.done:
			r.t.Fatalf("router exited; transcript:\n%s", r.Transcript())
		case <-time.After(20 * time.Millisecond):
		}
	}
	r.t.Fatalf("router did not finish %q within %v; transcript:\n%s", lines, timeout, r.Transcript())
	return ""
}

// MustRun is Run for lines that must all be accepted (a configuration): any % error in what the router
// printed fails the test.
func (r *Router) MustRun(timeout time.Duration, lines ...string) string {
	r.t.Helper()
	out := r.Run(timeout, lines...)
	if strings.Contains(out, "% ") {
		r.t.Fatalf("the router answered with an error:\n%s", out)
	}
	return out
}

// Start runs a long-lived program (a server) inside a namespace; it is killed by PID when the test ends.
func Start(t testing.TB, ns string, args ...string) *exec.Cmd {
	t.Helper()
	// ip netns exec execs the program itself, so the PID is the server's.
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %v in %s: %v", args, ns, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s in %s printed:\n%s", strings.Join(args, " "), ns, out.String())
		}
	})
	return cmd
}

// WaitTCP waits until something accepts TCP connections on addr:port as seen from inside ns.
func WaitTCP(t testing.TB, ns, addr string, port int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	probe := fmt.Sprintf("exec 3<>/dev/tcp/%s/%d", addr, port)
	for time.Now().Before(deadline) {
		if _, err := Try(ns, "bash", "-c", probe); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s:%d in %s after %v", addr, port, ns, timeout)
}
