package ios

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// toy is a small feature used by the tests: interfaces with a description,
// an address and shutdown, static routes, a standard named ACL sub-mode, a
// ping with {} options and a few show commands. It renders its sections the
// way real features do, so the round-trip test has something to chew on.
type toy struct {
	ifaces map[string]*toyIf
	routes []string
	acls   map[string][]string
}

type toyIf struct {
	desc, addr string
	shut       bool
}

var configStdNacl = &Mode{Name: "config-std-nacl", Prompt: "(config-std-nacl)#", Help: "Standard Access List configuration commands:", Parent: Config}

// newTestEngine returns an engine with the toy feature and a fixed clock.
func newTestEngine() (*Engine, *toy) {
	e := NewEngine()
	t0 := time.Date(2002, time.March, 1, 0, 0, 5, 123e6, time.UTC)
	e.Clock = func() time.Time { return t0 }
	e.AddInterfaceType(InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z", Slotted: true, NumHelp: "GigabitEthernet interface number"})
	e.AddInterfaceType(InterfaceType{Name: "Loopback", Help: "Loopback interface", NumHelp: "Loopback interface number"})
	t := &toy{ifaces: map[string]*toyIf{}, acls: map[string][]string{}}
	for i := 0; i < 4; i++ {
		t.ifaces[fmt.Sprintf("GigabitEthernet0/%d", i)] = &toyIf{shut: true}
	}
	t.register(e)
	return e, t
}

// sessionIn opens a session on e in mode m and returns it with what it prints.
func sessionIn(e *Engine, m *Mode) (*Session, *strings.Builder) {
	out := new(strings.Builder)
	s := e.NewSession(out)
	s.SetMode(m)
	return s, out
}

func (t *toy) iface(c *Context) *toyIf { return t.ifaces[c.ModeData().(string)] }

func (t *toy) register(e *Engine) {
	e.Install(
		&Command{Mode: Config, Syntax: "interface IFNAME", Help: []string{HelpInterface, "Interface name"}, Run: func(c *Context, a Args) error {
			name := a.Str("IFNAME")
			if _, ok := t.ifaces[name]; !ok {
				if !strings.HasPrefix(name, "Loopback") {
					return Errorf("%% Invalid interface %s", name)
				}
				t.ifaces[name] = &toyIf{}
				c.Engine().Log("%LINEPROTO-5-UPDOWN: Line protocol on Interface " + name + ", changed state to up")
			}
			c.Enter(ConfigIf, name)
			return nil
		}},
		&Command{Mode: ConfigIf, Syntax: "[no] shutdown", Help: []string{"Shutdown the selected interface"}, Run: func(c *Context, a Args) error {
			t.iface(c).shut = !a.No()
			return nil
		}},
		&Command{Mode: ConfigIf, Syntax: "description LINE", Help: []string{"Interface specific description", "Up to 240 characters describing this interface"}, Run: func(c *Context, a Args) error {
			t.iface(c).desc = a.Str("LINE")
			return nil
		}},
		&Command{Mode: ConfigIf, Syntax: "no description", Help: []string{HelpNo, "Interface specific description"}, Run: func(c *Context, a Args) error {
			t.iface(c).desc = ""
			return nil
		}},
		&Command{Mode: ConfigIf, Syntax: "ip address A.B.C.D$addr A.B.C.D$mask", Help: []string{HelpIfIP, "Set the IP address of an interface", "IP address", "IP subnet mask"}, Run: func(c *Context, a Args) error {
			t.iface(c).addr = a.Addr("addr").String() + " " + a.Addr("mask").String()
			return nil
		}},
		&Command{Mode: ConfigIf, Syntax: "no ip address", Help: []string{HelpNo, HelpIfIP, "Set the IP address of an interface"}, Run: func(c *Context, a Args) error {
			t.iface(c).addr = ""
			return nil
		}},
		&Command{Mode: Config, Syntax: "[no] ip route A.B.C.D A.B.C.D <A.B.C.D$nh|IFNAME$if> [(1-255)$distance]", Help: []string{HelpConfigIP, "Establish static routes", "Destination prefix", "Destination prefix mask", "Forwarding router's address", "Interface name", "Distance metric for this route"}, Run: func(c *Context, a Args) error {
			w := a.Words()
			if a.No() {
				w = w[1:]
			}
			line := strings.Join(w, " ")
			for i, r := range t.routes {
				if r == line {
					if a.No() {
						t.routes = append(t.routes[:i], t.routes[i+1:]...)
					}
					return nil
				}
			}
			if a.No() {
				return Errorf("%%No matching route to delete")
			}
			t.routes = append(t.routes, line)
			return nil
		}},
		&Command{Mode: Config, Syntax: "ip access-list standard WORD", Help: []string{HelpConfigIP, "Named access-list", "Standard Access List", "Access-list name"}, Run: func(c *Context, a Args) error {
			name := a.Str("WORD")
			if _, ok := t.acls[name]; !ok {
				t.acls[name] = nil
			}
			c.Enter(configStdNacl, name)
			return nil
		}},
		&Command{Mode: configStdNacl, Syntax: "<permit|deny>$action A.B.C.D [A.B.C.D$wild]", Help: []string{"Specify packets to forward", "Specify packets to reject", "Address to match", "Wildcard bits"}, Run: func(c *Context, a Args) error {
			name := c.ModeData().(string)
			act := a.Str("action")
			if act == "deny" {
				act = "deny  "
			}
			entry := act + " " + a.Str("A.B.C.D")
			if a.Has("wild") {
				entry += " " + a.Str("wild")
			}
			t.acls[name] = append(t.acls[name], entry)
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "ping WORD$host {repeat (1-2147483647)$count|size (36-18024)$size|source IFNAME$src}", Help: []string{HelpPing, "Ping destination address or hostname", "specify repeat count", "repeat count", "specify datagram size", "datagram size", "specify source address or name", "Source interface"}, Run: func(c *Context, a Args) error {
			c.Printf("ping %s count=%d size=%d src=%q\n", a.Str("host"), a.Int("count"), a.Int("size"), a.Str("src"))
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "ping WORD$host", Help: []string{HelpPing, "Ping destination address or hostname"}, Run: func(c *Context, a Args) error {
			c.Printf("Type escape sequence to abort.\nSending 5, 100-byte ICMP Echos to %s, timeout is 2 seconds:\n!!!!!\nSuccess rate is 100 percent (5/5), round-trip min/avg/max = 1/1/1 ms\n", a.Str("host"))
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "show ip interface brief", Help: []string{HelpShow, HelpShowIP, "IP interface status and configuration", "Brief summary of IP status and configuration"}, Run: func(c *Context, a Args) error {
			c.Printf("%-26s %-15s OK? Method %-21s Protocol\n", "Interface", "IP-Address", "Status")
			for _, n := range t.names() {
				i := t.ifaces[n]
				addr, status, proto := "unassigned", "up", "up"
				if i.addr != "" {
					addr = strings.Fields(i.addr)[0]
				}
				if i.shut {
					status, proto = "administratively down", "down"
				}
				c.Printf("%-26s %-15s YES %-6s %-21s %s\n", n, addr, "manual", status, proto)
			}
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "show interfaces [IFNAME]", Help: []string{HelpShow, HelpShowInterfaces, "Interface name"}, Run: func(c *Context, a Args) error {
			for _, n := range t.names() {
				if a.Has("IFNAME") && a.Str("IFNAME") != n {
					continue
				}
				c.Printf("%s is up, line protocol is up\n  Description: %s\n", n, t.ifaces[n].desc)
			}
			return nil
		}},
		&Command{Mode: Exec, Syntax: "clear counters [IFNAME]", Help: []string{HelpClear, "Clear counters on one or all interfaces", "Interface name"}, Run: func(c *Context, a Args) error {
			return nil
		}},
	)
	e.AddConfigSection(OrderInterfaces, t.renderInterfaces)
	e.AddConfigSection(OrderRoutes, func(w io.Writer) {
		if len(t.routes) > 0 {
			io.WriteString(w, "!\n")
		}
		for _, r := range t.routes {
			fmt.Fprintf(w, "%s\n", r)
		}
	})
	e.AddConfigSection(OrderNamedACL, func(w io.Writer) {
		names := make([]string, 0, len(t.acls))
		for n := range t.acls {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(w, "!\nip access-list standard %s\n", n)
			for _, e := range t.acls[n] {
				fmt.Fprintf(w, " %s\n", e)
			}
		}
	})
}

func (t *toy) names() []string {
	names := make([]string, 0, len(t.ifaces))
	for n := range t.ifaces {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (t *toy) renderInterfaces(w io.Writer) {
	for _, n := range t.names() {
		i := t.ifaces[n]
		fmt.Fprintf(w, "!\ninterface %s\n", n)
		if i.desc != "" {
			fmt.Fprintf(w, " description %s\n", i.desc)
		}
		if i.addr != "" {
			fmt.Fprintf(w, " ip address %s\n", i.addr)
		} else {
			fmt.Fprintf(w, " no ip address\n")
		}
		if i.shut {
			fmt.Fprintf(w, " shutdown\n")
		}
	}
}
