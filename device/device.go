// Package device is the composition root: one router, its CLI engine, its
// forwarding engine and its features (access-lists, NAT, FTP inspection,
// the system commands), wired together. Feature packages do not import each
// other; where two of them cooperate, the glue lives here:
//
//   - NAT evaluates `ip nat inside source list N` through the access-lists;
//   - FTP inspection asks NAT for the global address of a control
//     connection and for the mapping of each announced data endpoint, and
//     gives the mapping back when its pinhole is never used;
//   - FTP inspection evaluates `ip nat service list N ftp tcp port P`
//     through the access-lists;
//   - the router's unicast reverse-path check (`ip verify unicast source
//     reachable-via rx N`) lets a failing packet through when list N
//     permits it.
//
// cmd/router runs a Device on real ports; the whole-router tests run it on
// in-memory ones.
package device

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"natlab/acl"
	"natlab/console"
	"natlab/dhcp"
	"natlab/ftpinspect"
	"natlab/ios"
	"natlab/nat"
	"natlab/ntp"
	"natlab/pktevent"
	"natlab/platform"
	"natlab/router"
	"natlab/stack"
	"natlab/system"
)

// Device is one router: the CLI engine, the forwarding engine and the
// features wired together.
type Device struct {
	Engine *ios.Engine
	Router *router.Router
	CLI    *router.CLI
	ACLs   *acl.ACLs
	NAT    *nat.NAT
	FTP    *ftpinspect.Feature
	System *system.System
	// Stack is the router's own TCP endpoint, where the vty lines listen.
	Stack *stack.Stack
	// DHCP is the router's DHCP server and relay.
	DHCP *dhcp.Service
	// NTP is the router's SNTP client (ntp server).
	NTP *ntp.NTP
	// Events is the stream of sampled packet events (NAT rewrites, ACL
	// matches, FTP control-line rewrites) the console's events mode
	// serves.
	Events *pktevent.Bus

	clock    func() time.Time
	arpDebug arpDebug
	// UDP routes the router's UDP datagrams to its services by port.
	UDP udpMux
}

// Options configure New.
type Options struct {
	// Interfaces is the number of GigabitEthernet0/N on the chassis
	// (default 4).
	Interfaces int
	// Clock replaces the wall clock (tests pass a fixed one); nil is the
	// wall clock.
	Clock func() time.Time
	// MAC is GigabitEthernet0/0's burned-in address (router.Options.MAC);
	// zero is router.DefaultMAC.
	MAC [6]byte
}

// New builds a router with every feature registered.
func New(o Options) *Device {
	if o.Interfaces == 0 {
		o.Interfaces = 4
	}
	e := ios.NewEngine()
	if o.Clock != nil {
		e.Clock = o.Clock
	}
	r := router.New(router.Options{Interfaces: o.Interfaces, Clock: o.Clock, MAC: o.MAC})
	d := &Device{Engine: e, Router: r, CLI: router.RegisterCLI(e, r, o.Clock), clock: clockOrNow(o.Clock)}
	r.OnAttach(d.attachARP)
	d.ACLs = acl.Register(e, r)
	// `ip verify unicast source ... ACL` lets a failing packet through when
	// the list permits it.
	r.SetACLEvaluator(d.ACLs.Evaluate)
	d.NAT = nat.Register(e, r, d.ACLs)
	d.CLI.AddInterfaceConfig(router.IfOrderAccessGroup, d.ACLs.InterfaceConfigLines)
	d.FTP = ftpinspect.Register(e, r, ftpNAT{d.NAT}, d.ACLs, d.ACLs)
	d.CLI.AddInterfaceConfig(router.IfOrderNAT, d.NAT.InterfaceConfigLines)
	d.CLI.AddInterfaceConfig(router.IfOrderInspect, d.FTP.InterfaceConfigLines)
	d.CLI.OnInterfaceRemoved(d.ACLs.RemoveInterface)
	d.CLI.OnInterfaceRemoved(d.NAT.RemoveInterface)
	d.wireEvents()
	// The outside interface answers ARP for NAT's inside-global addresses.
	r.SetARPAlias(d.NAT.AnswersARP)
	// After e.Clock is set: system wraps the clock so that `clock set` moves
	// syslog time too.
	d.System = system.Register(e)
	d.System.SetARPSource(func() []system.ARPEntry { return arpEntries(r) })
	d.installARPCommands()
	d.installPacketTracer()
	platform.Register(e)
	d.startRemoteAccess()
	d.startMgmt()
	d.registerDHCP()
	r.SetLocalUDP(d.UDP.take)
	return d
}

// Close stops the forwarding engine and the features' timers.
func (d *Device) Close() error {
	d.Stack.Close()
	d.DHCP.Close()
	d.NTP.Close()
	d.FTP.Close()
	d.NAT.Close()
	d.ACLs.Close()
	return d.Router.Close()
}

// LoadStartup applies the startup-config at path and makes `write memory`
// save there. A bad line is reported to errs with its number and the IOS
// message; the rest still loads. A missing file is a new router.
func (d *Device) LoadStartup(path string, errs io.Writer) error {
	d.Engine.SetStartupPath(path)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil // a new router: `write memory` will create it
	}
	if err != nil {
		return err
	}
	defer f.Close()
	for _, le := range d.ApplyStartup(f) {
		fmt.Fprintf(errs, "%s:%d: %s\n%s\n", path, le.Line, le.Text, strings.TrimRight(le.Message, "\n"))
	}
	return nil
}

// ApplyStartup applies a configuration as the router does at boot.
func (d *Device) ApplyStartup(r io.Reader) []ios.LineError {
	d.CLI.SetLoading(true)
	defer d.CLI.SetLoading(false)
	return d.Engine.LoadConfig(r)
}

// ConsoleLogin is the console line's login dialogue (`line con 0` /
// `login`), before the first prompt.
func (d *Device) ConsoleLogin(t console.Terminal) bool {
	_, ok := d.System.ConsoleLogin(t)
	return ok
}
