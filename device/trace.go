package device

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"natlab/ios"
	"natlab/packet"
	"natlab/router"
)

// packet-tracer (the ASA's command, privileged EXEC): one synthetic packet
// through the router's pipeline without side effects (router.TraceWith),
// printed phase by phase. The device gives the trace what the features'
// hooks cannot carry themselves: NAT's and CBAC's dry runs (their hooks are
// plain functions) and an access-list evaluator that does not count, for
// uRPF's list.

// TraceFlow is the packet packet-tracer builds: TCP (a SYN), UDP (empty) or
// ICMP (type and code; an echo-shaped message with TraceICMPID).
type TraceFlow struct {
	Proto            packet.Proto
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16 // TCP/UDP ports; ICMP type and code
}

// TraceICMPID is the identifier of packet-tracer's ICMP packets.
const TraceICMPID = 1

// traceTTL is the TTL of packet-tracer's packets, a host's default.
const traceTTL = 64

// PacketTrace traces flow arriving on interface ifname.
func (d *Device) PacketTrace(ifname string, f TraceFlow, detailed bool) (router.TraceResult, error) {
	in := d.Router.Interface(ifname)
	if in == nil {
		return router.TraceResult{}, fmt.Errorf("%% Invalid interface %s", ifname)
	}
	pkt, err := buildTracePacket(f)
	if err != nil {
		return router.TraceResult{}, err
	}
	return d.Router.TraceWith(in, pkt, d.traceOptions(detailed)), nil
}

// traceOptions gives the trace the dry runs of the hooks that are plain
// functions and the non-counting list evaluator.
func (d *Device) traceOptions(detailed bool) router.PacketTraceOptions {
	o := router.PacketTraceOptions{Detailed: detailed, Lists: d.ACLs.Peek, Stages: map[router.Stage]router.Tracer{}}
	for s, t := range d.NAT.Tracers() {
		o.Stages[s] = t
	}
	for s, t := range d.FTP.Tracers() {
		o.Stages[s] = t
	}
	return o
}

// buildTracePacket builds the synthetic packet of a flow.
func buildTracePacket(f TraceFlow) ([]byte, error) {
	if !f.Src.Is4() || !f.Dst.Is4() {
		return nil, fmt.Errorf("%% packet-tracer takes IPv4 addresses")
	}
	b := make([]byte, 64)
	var n int
	switch f.Proto {
	case packet.ProtoTCP:
		n = packet.BuildTCP(b, f.Src, f.Dst, f.SrcPort, f.DstPort, 1, 0, packet.TCPSyn, 65535, 1, traceTTL, nil)
	case packet.ProtoUDP:
		n = packet.BuildUDP(b, f.Src, f.Dst, f.SrcPort, f.DstPort, 1, traceTTL, 0, nil)
	case packet.ProtoICMP:
		if f.SrcPort > 255 || f.DstPort > 255 {
			return nil, fmt.Errorf("%% ICMP type and code are 0-255")
		}
		n = packet.BuildEcho(b, uint8(f.SrcPort), f.Src, f.Dst, TraceICMPID, 1, 1, traceTTL, 0, []byte{})
		if n > 0 {
			m := packet.ICMPv4(b[packet.IPv4MinimumSize:n])
			m[1] = uint8(f.DstPort)
			m.SetChecksum(0)
			m.SetChecksum(m.CalculateChecksum())
		}
	default:
		return nil, fmt.Errorf("%% packet-tracer traces tcp, udp or icmp")
	}
	if n == 0 {
		return nil, fmt.Errorf("%% cannot build the packet")
	}
	return b[:n], nil
}

func (d *Device) installPacketTracer() {
	tail := "[detailed] [xml|json]"
	tailHelp := []string{"Dump detailed information", "Output in xml format (not supported; use json)", "Output in json format"}
	head := []string{"Trace packet through the router", "Trace packet in input direction", "Input interface"}
	d.Engine.Install(
		&ios.Command{Mode: ios.Exec,
			Syntax: "packet-tracer input IFNAME$if <tcp|udp>$proto A.B.C.D$src <(0-65535)$sport|WORD$sportname> A.B.C.D$dst <(0-65535)$dport|WORD$dportname> " + tail,
			Help: append(append(head, "TCP packet", "UDP packet", "Source IP address", "Source port", "Source port name",
				"Destination IP address", "Destination port", "Destination port name"), tailHelp...),
			Run: d.cmdPacketTracer},
		&ios.Command{Mode: ios.Exec,
			Syntax: "packet-tracer input IFNAME$if icmp A.B.C.D$src (0-255)$type A.B.C.D$dst (0-255)$code " + tail,
			Help: append(append(head, "ICMP packet", "Source IP address", "ICMP type", "Destination IP address", "ICMP code"),
				tailHelp...),
			Run: d.cmdPacketTracer},
	)
}

func (d *Device) cmdPacketTracer(c *ios.Context, a ios.Args) error {
	if a.Has("xml") {
		return ios.Errorf("%% XML output is not supported; use json")
	}
	f := TraceFlow{Proto: packet.ProtoICMP, Src: a.Addr("src"), Dst: a.Addr("dst")}
	if a.Has("type") {
		f.SrcPort, f.DstPort = uint16(a.Int("type")), uint16(a.Int("code"))
	} else {
		f.Proto = packet.ProtoUDP
		if strings.EqualFold(a.Str("proto"), "tcp") {
			f.Proto = packet.ProtoTCP
		}
		var err error
		if f.SrcPort, err = portArg(a, "sport", "sportname", f.Proto); err != nil {
			return err
		}
		if f.DstPort, err = portArg(a, "dport", "dportname", f.Proto); err != nil {
			return err
		}
	}
	res, err := d.PacketTrace(a.Str("if"), f, a.Has("detailed"))
	if err != nil {
		return ios.Errorf("%s", err)
	}
	if a.Has("json") {
		c.Write(res.JSON(a.Has("detailed")))
		return nil
	}
	res.WriteText(c, a.Has("detailed"))
	return nil
}

// portArg is a port given as a number or by name.
func portArg(a ios.Args, num, name string, proto packet.Proto) (uint16, error) {
	if a.Has(num) {
		return uint16(a.Int(num)), nil
	}
	w := strings.ToLower(a.Str(name))
	if p, ok := tracePortNames[w]; ok && (p.proto == 0 || p.proto == proto) {
		return p.port, nil
	}
	if v, err := strconv.Atoi(w); err == nil && v >= 0 && v <= 65535 {
		return uint16(v), nil
	}
	return 0, ios.Errorf("%% Invalid port %s", a.Str(name))
}

// tracePortNames are the port names the ASA's packet-tracer takes, as IOS
// access-lists spell them (proto 0: TCP and UDP).
var tracePortNames = map[string]struct {
	proto packet.Proto
	port  uint16
}{
	"ftp-data": {packet.ProtoTCP, 20}, "ftp": {packet.ProtoTCP, 21}, "ssh": {packet.ProtoTCP, 22},
	"telnet": {packet.ProtoTCP, 23}, "smtp": {packet.ProtoTCP, 25}, "domain": {0, 53},
	"www": {packet.ProtoTCP, 80}, "http": {packet.ProtoTCP, 80}, "pop3": {packet.ProtoTCP, 110},
	"https": {packet.ProtoTCP, 443}, "bootps": {packet.ProtoUDP, 67}, "bootpc": {packet.ProtoUDP, 68},
	"tftp": {packet.ProtoUDP, 69}, "ntp": {packet.ProtoUDP, 123}, "snmp": {packet.ProtoUDP, 161},
	"syslog": {packet.ProtoUDP, 514},
}
