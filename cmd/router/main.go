// Command router is a userspace router that behaves like a Cisco IOS router: its interfaces are Linux
// TUN devices (point-to-point, optionally moved into network namespaces that play hosts) or Ethernet
// (a TAP it creates, or an existing interface through AF_PACKET, with ARP and 802.1Q subinterfaces),
// it forwards IPv4 between them, and it is configured through an emulated IOS command line.
//
// Usage:
//
//	router [--startup-config FILE] [--interfaces N] [--mac BASE] [--port NAME=KIND:DEVICE[,option=value...]]... [--daemon] [--console SOCKET]
//
// With a terminal on standard input it opens the IOS CLI; otherwise it reads commands from standard
// input line by line and prints the session transcript, and exits at end of input. With --daemon it
// takes no commands and runs until SIGINT or SIGTERM. --console serves IOS console sessions on a unix
// socket (what `labs console` and `labs cli` connect to).
//
// The router itself (engine, forwarding, features and the glue between them) is assembled by
// natlab/device; this command only binds the ports named on its command line, loads the
// startup-config, serves the console and runs the CLI on its own terminal (with the console login
// first, when one is configured).
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"os/signal"
	"syscall"

	"natlab/console"
	"natlab/device"
	"natlab/ether"
	"natlab/internal/tty"
	"natlab/port"
	"natlab/router"
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
	flag.Var(&ports, "port", "back an interface with a device (repeatable): NAME=tun:DEVICE[,netns=NS][,name=HOSTNAME][,addr=A.B.C.D/N][,gw=A.B.C.D][,mtu=N][,offload=on|off][,queues=N] "+
		"(point-to-point; offload=on, the default, carries TCP/UDP super-packets whole and falls back to off when the kernel refuses; "+
		"queues=N opens N queues, default 1), NAME=tap:DEVICE[,netns, name, addr, gw and mtu as for tun] (Ethernet, a TAP the router creates), NAME=eth:IFNAME[,netns=NS] (Ethernet, an existing interface)")
	macFlag := flag.String("mac", "", "MAC address of GigabitEthernet0/0 (aabb.cc00.0100); interface N has it + N*0x10; default: derived from the port devices")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "router: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	mac, err := baseMAC(*macFlag, ports)
	if err != nil {
		fmt.Fprintf(os.Stderr, "router: --mac: %v\n", err)
		os.Exit(2)
	}
	if err := run(*startup, *ifaces, mac, ports, *daemon, *consolePath); err != nil {
		fmt.Fprintf(os.Stderr, "router: %v\n", err)
		os.Exit(1)
	}
}

func run(startup string, ifaces int, mac [6]byte, ports []portSpec, daemon bool, consolePath string) error {
	if ifaces < 1 || ifaces > 64 {
		return fmt.Errorf("--interfaces %d: want 1 to 64", ifaces)
	}
	// The chassis keeps the ports and the startup-config across `reload`, which boots a fresh Device.
	ch := device.NewChassis(device.Options{Interfaces: ifaces, MAC: mac})
	defer ch.Close()
	for _, ps := range ports {
		if ch.Device().Router.Interface(ps.Interface) == nil {
			return fmt.Errorf("--port: the chassis has no %s (it has GigabitEthernet0/0 to 0/%d)", ps.Interface, ifaces-1)
		}
		if err := bindPort(ch, ps); err != nil {
			return fmt.Errorf("--port %s: %v", ps.Interface, err)
		}
	}
	if err := ch.Boot(startup, os.Stderr); err != nil {
		return err
	}
	keys := &keyHandoff{r: os.Stdin}
	var consoles *consoleSwitch
	// The console opens last: labs counts a router as ready once its console answers, and by then the
	// ports are bound and the startup-config applied.
	if consolePath != "" {
		ln, err := console.Listen(consolePath)
		if err != nil {
			return fmt.Errorf("--console: %v", err)
		}
		defer ln.Close()
		consoles = newConsoleSwitch(ln, ch.Device())
	}
	ch.OnReload(func(next *device.Device) {
		if consoles != nil {
			consoles.reloaded(next)
		}
		if l := keys.cur.Load(); l != nil {
			l.retire()
		}
	})
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	if daemon {
		<-sigs
		return nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if tty.IsTerminal(os.Stdin) {
			if err := runLocalTerminals(ch, os.Stdin, os.Stdout, keys); err != nil {
				fmt.Fprintf(os.Stderr, "router: terminal: %v\n", err)
			}
			return
		}
		runScript(ch, os.Stdin, os.Stdout)
	}()
	select {
	case <-done:
	case <-sigs:
	}
	return nil
}

// bindPort opens the device a --port names and backs its interface with it:
// a TUN directly, a TAP or an AF_PACKET socket through Ethernet and ARP.
func bindPort(ch *device.Chassis, ps portSpec) error {
	var (
		p   port.Port
		err error
	)
	switch ps.Kind {
	case "tun":
		if p, err = openTUN(ps, os.Stderr); err != nil {
			return err
		}
		if err := ch.BindPort(ps.Interface, p); err != nil {
			p.Close()
			return err
		}
		return nil
	case "tap":
		p, err = port.OpenTAP(ps.TAP)
	case "eth":
		p, err = port.OpenPacket(ps.Packet)
	default:
		return fmt.Errorf("unknown port kind %q", ps.Kind)
	}
	if err != nil {
		return err
	}
	if err := ch.BindEthernet(ps.Interface, p); err != nil {
		p.Close()
		return err
	}
	return nil
}

// baseMAC is --mac, or without it a locally administered address derived
// from the port devices' names, so that two routers on one host (which
// never share a device name) do not share MACs, and a restarted router
// keeps its own.
func baseMAC(flagValue string, ports []portSpec) ([6]byte, error) {
	if flagValue != "" {
		m, err := ether.ParseMAC(flagValue)
		return [6]byte(m), err
	}
	if len(ports) == 0 {
		return router.DefaultMAC, nil
	}
	h := fnv.New32a()
	for _, ps := range ports {
		h.Write([]byte(ps.Interface + "=" + ps.Device() + ";"))
	}
	v := h.Sum32()
	// 0x52 = locally administered unicast, as 5254.00 QEMU addresses.
	return [6]byte{0x52, 0x54, byte(v >> 24), byte(v >> 16), byte(v >> 8), 0}, nil
}
