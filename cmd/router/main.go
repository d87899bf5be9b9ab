// Command router is a userspace router that behaves like a Cisco IOS router: its interfaces are Linux
// TUN devices (optionally moved into network namespaces that play hosts), it forwards IPv4 between them,
// and it is configured through an emulated IOS command line.
//
// Usage:
//
//	router [--startup-config FILE] [--interfaces N] [--port NAME=tun:DEVICE[,option=value...]]... [--daemon] [--console SOCKET]
//
// With a terminal on standard input it opens the IOS CLI; otherwise it reads commands from standard
// input line by line and prints the session transcript, and exits at end of input. With --daemon it
// takes no commands and runs until SIGINT or SIGTERM. --console serves IOS console sessions on a unix
// socket (what `labs console` and `labs cli` connect to).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"natlab/acl"
	"natlab/console"
	"natlab/ftpinspect"
	"natlab/ios"
	"natlab/nat"
	"natlab/port"
	"natlab/router"
	"natlab/system"
)

type portFlags []portSpec

func (p *portFlags) String() string { return fmt.Sprint(len(*p), " ports") }

func (p *portFlags) Set(s string) error {
	ps, err := parsePortSpec(s)
	if err != nil {
		return err
	}
	*p = append(*p, ps)
	return nil
}

func main() {
	var ports portFlags
	startup := flag.String("startup-config", "", "IOS configuration loaded at start and written by `write memory`")
	ifaces := flag.Int("interfaces", 4, "number of GigabitEthernet0/N interfaces on the chassis")
	daemon := flag.Bool("daemon", false, "take no commands on standard input; run until SIGINT or SIGTERM")
	consolePath := flag.String("console", "", "serve the IOS console on this unix socket (labs console, labs cli)")
	flag.Var(&ports, "port", "bind an interface to a TUN: NAME=tun:DEVICE[,netns=NS][,name=HOSTNAME][,addr=A.B.C.D/N][,gw=A.B.C.D][,mtu=N] (repeatable)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "router: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(*startup, *ifaces, ports, *daemon, *consolePath); err != nil {
		fmt.Fprintf(os.Stderr, "router: %v\n", err)
		os.Exit(1)
	}
}

func run(startup string, ifaces int, ports []portSpec, daemon bool, consolePath string) error {
	if ifaces < 1 || ifaces > 64 {
		return fmt.Errorf("--interfaces %d: want 1 to 64", ifaces)
	}
	d := newDevice(ifaces, nil)
	defer d.router.Close()
	for _, ps := range ports {
		if d.router.Interface(ps.Interface) == nil {
			return fmt.Errorf("--port: the chassis has no %s (it has GigabitEthernet0/0 to 0/%d)", ps.Interface, ifaces-1)
		}
		p, err := port.OpenTUN(ps.TUN)
		if err != nil {
			return fmt.Errorf("--port %s: %v", ps.Interface, err)
		}
		if err := d.router.Bind(ps.Interface, p); err != nil {
			p.Close()
			return fmt.Errorf("--port %s: %v", ps.Interface, err)
		}
	}
	if startup != "" {
		if err := d.loadStartup(startup, os.Stderr); err != nil {
			return err
		}
	}
	// The console opens last: labs counts a router as ready once its console answers, and by then the
	// ports are bound and the startup-config applied.
	if consolePath != "" {
		ln, err := console.Listen(consolePath)
		if err != nil {
			return fmt.Errorf("--console: %v", err)
		}
		defer ln.Close()
		go console.ServeLogin(ln, d.engine, d.consoleLogin)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	if daemon {
		<-sigs
		return nil
	}
	s := d.engine.NewSession(os.Stdout)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if isTerminal(os.Stdin) {
			if d.consoleLogin(stdinTerminal{}) {
				s.RunInteractive()
			}
			return
		}
		s.RunScript(os.Stdin)
	}()
	select {
	case <-done:
	case <-sigs:
	}
	return nil
}

// device is one router: the CLI engine, the forwarding engine and the features wired together.
type device struct {
	engine *ios.Engine
	router *router.Router
	cli    *router.CLI
	acls   *acl.ACLs
	nat    *nat.NAT
	ftp    *ftpinspect.Feature
	sys    *system.System
}

// newDevice builds a router; clock is nil for the wall clock (tests pass a fixed one).
func newDevice(ifaces int, clock func() time.Time) *device {
	e := ios.NewEngine()
	if clock != nil {
		e.Clock = clock
	}
	r := router.New(router.Options{Interfaces: ifaces, Clock: clock})
	d := &device{engine: e, router: r, cli: router.RegisterCLI(e, r, clock)}
	d.acls = acl.Register(e, r)
	d.nat = nat.Register(e, r, d.acls)
	d.cli.AddInterfaceConfig(router.IfOrderAccessGroup, d.acls.InterfaceConfigLines)
	d.ftp = ftpinspect.Register(e, r, d.nat, d.acls)
	d.cli.AddInterfaceConfig(router.IfOrderNAT, d.nat.InterfaceConfigLines)
	d.cli.AddInterfaceConfig(router.IfOrderInspect, d.ftp.InterfaceConfigLines)
	d.cli.OnInterfaceRemoved(d.acls.RemoveInterface)
	// After e.Clock is set: system wraps the clock so that `clock set` moves syslog time too.
	d.sys = system.Register(e)
	d.sys.SetARPSource(func() []system.ARPEntry { return arpEntries(r) })
	return d
}

// loadStartup applies a startup-config; a bad line is reported with its number and the rest still loads.
func (d *device) loadStartup(path string, errs io.Writer) error {
	d.engine.SetStartupPath(path)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil // a new router: `write memory` will create it
	}
	if err != nil {
		return err
	}
	defer f.Close()
	for _, le := range d.applyStartup(f) {
		fmt.Fprintf(errs, "%s:%d: %s\n%s\n", path, le.Line, le.Text, strings.TrimRight(le.Message, "\n"))
	}
	return nil
}

// consoleLogin is the console line's login dialogue (`line con 0` / `login`), before the first prompt.
func (d *device) consoleLogin(t console.Terminal) bool {
	_, ok := d.sys.ConsoleLogin(t)
	return ok
}

// arpEntries is what show ip arp lists: TUN interfaces have no neighbours to resolve, so only the
// router's own addresses on up interfaces, as IOS lists them (age "-").
func arpEntries(r *router.Router) []system.ARPEntry {
	var out []system.ARPEntry
	for _, i := range r.Interfaces() {
		if p := i.Address(); p.IsValid() && !i.IsLoopback() && i.LineUp() {
			out = append(out, system.ARPEntry{Addr: p.Addr(), AgeMin: -1,
				MAC: router.HardwareAddress(i), Interface: i.Name()})
		}
	}
	return out
}

// applyStartup applies a configuration as the router does at boot.
func (d *device) applyStartup(r io.Reader) []ios.LineError {
	d.cli.SetLoading(true)
	defer d.cli.SetLoading(false)
	return d.engine.LoadConfig(r)
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
