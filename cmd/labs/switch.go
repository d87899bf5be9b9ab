package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"natlab/l2switch"
	"natlab/port"
)

// portFlags collects --port NAME=MODE.
type portFlags []string

func (p *portFlags) String() string     { return strings.Join(*p, " ") }
func (p *portFlags) Set(s string) error { *p = append(*p, s); return nil }

// cmdSwitch runs a VLAN-aware switch over existing interfaces of this namespace until SIGTERM: labs up
// starts it (under `labs supervise`, in the switch's namespace) for every switch with VLANs.
func cmdSwitch(args []string) error {
	fs := flag.NewFlagSet("switch", flag.ContinueOnError)
	var specs portFlags
	fs.Var(&specs, "port", "a port: NAME=trunk or NAME=access:VLAN (access alone is VLAN 1); repeat for each")
	vlans := fs.String("vlans", "", "the VLANs trunks carry besides native VLAN 1, as 10,20,30-39 (default: all)")
	ready := fs.String("ready", "", "a file to create once every port is open")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || len(specs) == 0 {
		return errors.New("usage: labs switch --port NAME=trunk|access:VLAN ... [--vlans LIST] [--ready FILE]")
	}
	cfg, err := parseSwitchPorts(specs, *vlans)
	if err != nil {
		return err
	}
	ports := make([]l2switch.Port, len(cfg))
	lives := make([]*livePort, len(cfg))
	for i, c := range cfg {
		lp, err := openLivePort(c.name)
		if err != nil {
			for _, l := range lives[:i] {
				l.Close()
			}
			return err
		}
		lives[i] = lp
		ports[i] = l2switch.Port{Dev: lp, Mode: c.mode, VLAN: c.vlan, Allowed: c.allowed}
	}
	sw, err := l2switch.New(ports)
	if err != nil {
		for _, l := range lives {
			l.Close()
		}
		return err
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		watchLivePorts(sw, lives, stop)
	}()
	for i, c := range cfg {
		fmt.Printf("labs switch: %s %s\n", c.name, describeMode(ports[i]))
	}
	if *ready != "" {
		if err := os.WriteFile(*ready, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
			sw.Close()
			return err
		}
	}
	s := <-sigs
	close(stop)
	wg.Wait()
	err = sw.Close()
	fmt.Printf("labs switch: stopped by %v\n", s)
	for _, st := range sw.Stats() {
		fmt.Printf("  %s: in %d frames (%d flooded, %d filtered, %d runts, %d giants, %d tagged on access, %d VLAN denied), out %d frames (%d errors)\n",
			st.Name, st.InFrames, st.Flooded, st.Filtered, st.Runts, st.Giants, st.TaggedOnAccess, st.VLANDenied, st.OutFrames, st.OutErrors)
	}
	n, refused := sw.FDBStats()
	fmt.Printf("  mac address-table: %d entries, %d refused (full)\n", n, refused)
	return err
}

func describeMode(p l2switch.Port) string {
	if p.Mode == l2switch.Access {
		return fmt.Sprintf("access VLAN %d", max(p.VLAN, 1))
	}
	if p.Allowed == nil {
		return "trunk, native VLAN 1, all VLANs"
	}
	return fmt.Sprintf("trunk, native VLAN 1, VLANs %v", p.Allowed)
}

// switchPort is one --port.
type switchPort struct {
	name    string
	mode    l2switch.Mode
	vlan    uint16
	allowed []uint16 // trunks: nil = all
}

// parseSwitchPorts reads --port NAME=trunk|access[:VLAN] and --vlans. Trunks carry the listed VLANs and
// every access VLAN of the switch (as a Catalyst creates the VLAN an access port names), or all VLANs
// without --vlans.
func parseSwitchPorts(specs []string, vlans string) ([]switchPort, error) {
	var out []switchPort
	var listed []uint16
	if vlans != "" {
		var err error
		if listed, err = parseVLANList(vlans); err != nil {
			return nil, fmt.Errorf("--vlans %q: %v", vlans, err)
		}
	}
	for _, s := range specs {
		name, mode, ok := strings.Cut(s, "=")
		if !ok || name == "" || len(name) > 15 || strings.ContainsAny(name, "/ \t:=") {
			return nil, fmt.Errorf("--port %q: want NAME=trunk or NAME=access:VLAN", s)
		}
		if slices.ContainsFunc(out, func(p switchPort) bool { return p.name == name }) {
			return nil, fmt.Errorf("--port %q: port %s given twice", s, name)
		}
		p := switchPort{name: name, vlan: 1}
		switch kind, arg, hasArg := strings.Cut(mode, ":"); {
		case kind == "trunk" && !hasArg:
			p.mode = l2switch.Trunk
		case kind == "access" && !hasArg:
		case kind == "access":
			v, err := strconv.ParseUint(arg, 10, 16)
			if err != nil || v < 1 || v > l2switch.MaxVLAN {
				return nil, fmt.Errorf("--port %q: VLAN %q is not 1-%d", s, arg, l2switch.MaxVLAN)
			}
			p.vlan = uint16(v)
		default:
			return nil, fmt.Errorf("--port %q: mode %q is not trunk or access:VLAN", s, mode)
		}
		out = append(out, p)
	}
	if vlans == "" {
		return out, nil
	}
	for _, p := range out {
		if p.mode == l2switch.Access && p.vlan != 1 && !slices.Contains(listed, p.vlan) {
			listed = append(listed, p.vlan)
		}
	}
	slices.Sort(listed)
	for i := range out {
		if out[i].mode == l2switch.Trunk {
			out[i].allowed = listed
		}
	}
	return out, nil
}

// parseVLANList reads 10,20,30-39.
func parseVLANList(s string) ([]uint16, error) {
	var out []uint16
	seen := map[uint16]bool{}
	for _, item := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(item), "-")
		a, err1 := strconv.ParseUint(lo, 10, 16)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.ParseUint(hi, 10, 16)
		}
		if err1 != nil || err2 != nil || a < 1 || b > l2switch.MaxVLAN || a > b {
			return nil, fmt.Errorf("%q is not a VLAN or a range of VLANs in 1-%d", item, l2switch.MaxVLAN)
		}
		for v := a; v <= b; v++ {
			if !seen[uint16(v)] {
				seen[uint16(v)] = true
				out = append(out, uint16(v))
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// livePort is a switch port on an interface that may be replaced while the switch runs: a router's
// TAP goes with the router, and comes back as a new device of the same name when the router is
// restarted. watchLivePorts opens the new device, and Read carries on from it.
type livePort struct {
	name    string
	mtu     int
	batch   int
	cur     atomic.Pointer[port.Port]
	ifindex atomic.Int32
	closed  atomic.Bool
}

func openLivePort(name string) (*livePort, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, fmt.Errorf("port %s: %v", name, err)
	}
	p, err := port.OpenPacket(port.PacketConfig{Interface: name})
	if err != nil {
		return nil, err
	}
	lp := &livePort{name: name, mtu: p.MTU(), batch: p.BatchSize()}
	lp.cur.Store(&p)
	lp.ifindex.Store(int32(ifi.Index))
	return lp, nil
}

func (l *livePort) Name() string   { return l.name }
func (l *livePort) MTU() int       { return l.mtu }
func (l *livePort) BatchSize() int { return l.batch }

// Read reads the current device; when it was closed because a new one replaced it, it reads the new
// one.
func (l *livePort) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	for {
		p := l.cur.Load()
		n, err := (*p).Read(bufs, sizes, offset)
		if err != nil && !l.closed.Load() && l.cur.Load() != p {
			continue
		}
		return n, err
	}
}

func (l *livePort) Write(bufs [][]byte, offset int) (int, error) {
	return (*l.cur.Load()).Write(bufs, offset)
}

func (l *livePort) Close() error {
	l.closed.Store(true)
	return (*l.cur.Load()).Close()
}

// replace opens the interface again if it is a new device (another ifindex); it reports whether it
// did.
func (l *livePort) replace() (bool, error) {
	ifi, err := net.InterfaceByName(l.name)
	if err != nil || int32(ifi.Index) == l.ifindex.Load() {
		return false, nil // gone (it may come back) or the same device
	}
	p, err := port.OpenPacket(port.PacketConfig{Interface: l.name})
	if err != nil {
		return false, err
	}
	if l.closed.Load() {
		p.Close()
		return false, nil
	}
	old := l.cur.Swap(&p)
	l.ifindex.Store(int32(ifi.Index))
	(*old).Close() // wakes Read, which moves on to p
	return true, nil
}

// livePortPoll is how often the ports' devices are checked for replacement.
const livePortPoll = 250 * time.Millisecond

// watchLivePorts replaces the devices of ports whose interface was recreated, and forgets the stations
// learnt there, until stop.
func watchLivePorts(sw *l2switch.Switch, lives []*livePort, stop <-chan struct{}) {
	t := time.NewTicker(livePortPoll)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		for i, l := range lives {
			switch ok, err := l.replace(); {
			case err != nil:
				fmt.Fprintf(os.Stderr, "labs switch: %s came back but does not open: %v\n", l.name, err)
			case ok:
				sw.FlushPort(i)
				fmt.Printf("labs switch: %s is a new device: reopened\n", l.name)
			}
		}
	}
}
