// Package syslog sends the router's log messages to syslog hosts (`logging
// host A.B.C.D`) over UDP port 514 as IOS does: RFC 3164 style, facility
// local7, the message counter as IOS's sequence number,
// "<189>42: *Mar  1 00:00:05.123: %SYS-5-CONFIG_I: Configured from console
// by console". The engine decides which messages pass `logging trap`; this
// package formats and sends them, renders the host lines and their part of
// show logging.
package syslog

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"natlab/ios"
	"natlab/packet"
)

// Port is the syslog UDP port.
const Port = 514

// MaxHosts bounds `logging host` lines.
const MaxHosts = 16

// facilityLocal7 is IOS's default `logging facility`.
const facilityLocal7 = 23

// Options are what the package needs from the router.
type Options struct {
	// Send sends a router-originated IPv4 datagram (router.SendLocal).
	Send func(pkt []byte) bool
	// Source is the address the router sends from towards dst (the
	// outgoing interface's); invalid when there is no route.
	Source func(dst netip.Addr) netip.Addr
	// InterfaceAddr is an interface's address, for `logging
	// source-interface` (invalid when it has none).
	InterfaceAddr func(name string) netip.Addr
}

type host struct {
	addr netip.Addr
	sent int
}

// Syslog is the `logging host` feature.
type Syslog struct {
	o      Options
	e      *ios.Engine
	mu     sync.Mutex
	hosts  []*host
	srcIf  string
	buf    []byte // the payload being built, under mu
	pkt    [28 + 1024]byte
	ipID   uint16
	failed int
}

// Register installs `logging host` and `logging source-interface` in e and
// makes the result e's log forwarder.
func Register(e *ios.Engine, o Options) *Syslog {
	s := &Syslog{o: o, e: e, buf: make([]byte, 0, 1500)}
	e.InstallLogging()
	e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "[no] logging host A.B.C.D",
			Help: []string{"Modify message logging facilities", "Set syslog server IP address and parameters", "IP address of the syslog server"},
			Run:  s.hostCmd},
		&ios.Command{Mode: ios.Config, Syntax: "logging source-interface IFNAME",
			Help: []string{"Modify message logging facilities", "Specify interface for source address in logging transactions", "Interface name"},
			Run: func(c *ios.Context, a ios.Args) error {
				s.mu.Lock()
				s.srcIf = a.Str("IFNAME")
				s.mu.Unlock()
				return nil
			}},
		&ios.Command{Mode: ios.Config, Syntax: "no logging source-interface [IFNAME]",
			Help: []string{ios.HelpNo, "Modify message logging facilities", "Specify interface for source address in logging transactions", "Interface name"},
			Run: func(c *ios.Context, a ios.Args) error {
				s.mu.Lock()
				s.srcIf = ""
				s.mu.Unlock()
				return nil
			}},
	)
	e.AddConfigSection(ios.OrderNamedACL+50, s.render)
	e.SetLogForwarder(s)
	return s
}

func (s *Syslog) hostCmd(c *ios.Context, a ios.Args) error {
	addr := a.Addr("A.B.C.D")
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.hosts, func(h *host) bool { return h.addr == addr })
	switch {
	case a.No():
		if i >= 0 {
			s.hosts = slices.Delete(s.hosts, i, i+1)
		}
	case i >= 0:
	case len(s.hosts) >= MaxHosts:
		return ios.Errorf("%% Maximum number of logging hosts (%d) reached", MaxHosts)
	default:
		s.hosts = append(s.hosts, &host{addr: addr})
	}
	return nil
}

// render is the running-config's trap, source-interface and host lines,
// which IOS puts after the named access lists.
func (s *Syslog) render(w io.Writer) {
	var b strings.Builder
	b.WriteString(s.e.RenderTrap())
	s.mu.Lock()
	if s.srcIf != "" {
		b.WriteString("logging source-interface " + s.srcIf + "\n")
	}
	for _, h := range s.hosts {
		b.WriteString("logging host " + h.addr.String() + "\n")
	}
	s.mu.Unlock()
	if b.Len() > 0 {
		io.WriteString(w, "!\n"+b.String())
	}
}

// Payload appends the syslog payload IOS sends for m to b.
func Payload(b []byte, m ios.LogMessage) []byte {
	b = append(b, '<')
	b = strconv.AppendInt(b, int64(facilityLocal7*8+m.Severity), 10)
	b = append(b, '>')
	b = strconv.AppendInt(b, int64(m.Seq), 10)
	b = append(b, ": "...)
	return append(b, m.Stamped...)
}

// Forward sends m to every host. It runs on the logging goroutine; sending
// is the router's SendLocal, which queues and does not block.
func (s *Syslog) Forward(m ios.LogMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.hosts) == 0 || s.o.Send == nil {
		return
	}
	payload := Payload(s.buf[:0], m)
	const hdr = 28
	if len(payload)+hdr > 1024+hdr {
		payload = payload[:1024] // RFC 3164 bounds a message to 1024 bytes
	}
	pkt := s.pkt[:hdr+len(payload)]
	var fixed netip.Addr
	if s.srcIf != "" && s.o.InterfaceAddr != nil {
		fixed = s.o.InterfaceAddr(s.srcIf)
	}
	for _, h := range s.hosts {
		src := fixed
		if !src.IsValid() && s.o.Source != nil {
			src = s.o.Source(h.addr)
		}
		if !src.IsValid() {
			s.failed++
			continue
		}
		s.ipID++
		n := packet.BuildUDP(pkt, src, h.addr, Port, Port, s.ipID, 255, len(payload), payload)
		if s.o.Send(pkt[:n]) {
			h.sent++
		} else {
			s.failed++
		}
	}
	s.buf = payload[:0]
}

// ShowHosts writes show logging's host blocks and source-interface line.
func (s *Syslog) ShowHosts(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hosts {
		link := "up"
		if s.o.Source != nil && !s.o.Source(h.addr).IsValid() {
			link = "down"
		}
		fmt.Fprintf(w, "        Logging to %s  (udp port %d, audit disabled,\n              link %s),\n              %d message lines logged, \n              0 message lines rate-limited, \n              0 message lines dropped-by-MD, \n              xml disabled, sequence number disabled\n              filtering disabled\n",
			h.addr, Port, link, h.sent)
	}
	fmt.Fprintf(w, "        Logging Source-Interface:       VRF Name:\n")
	if s.srcIf != "" {
		fmt.Fprintf(w, "        %-32s\n", s.srcIf)
	}
}
