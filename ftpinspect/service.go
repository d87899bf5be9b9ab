package ftpinspect

import (
	"fmt"
	"io"
	"net/netip"
	"slices"

	"natlab/ios"
	"natlab/packet"
)

// service is `ip nat service list ACL ftp tcp port N`.
type service struct {
	list string
	port uint16
}

// cmdService is `ip nat service list ACL ftp tcp port N` (Cisco doc
// 13776-6): FTP on port N for the servers the list matches (their inside
// local addresses); for those servers port 21 is FTP only if configured
// too. One list per port.
func (f *Feature) cmdService(c *ios.Context, a ios.Args) error {
	list := a.Str("num")
	if list == "" {
		list = a.Str("name")
	}
	port := uint16(a.Int("port"))
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.svc {
		if s.port != port {
			continue
		}
		if a.No() {
			if s.list == list {
				f.svc = slices.Delete(f.svc, i, i+1)
				f.applyServices()
			}
			return nil
		}
		if s.list != list {
			return ios.Errorf("%% service \"ftp tcp port %d\" is already configured for access-list %s", port, s.list)
		}
		return nil
	}
	if !a.No() {
		f.svc = append(f.svc, service{list, port})
		f.applyServices()
	}
	return nil
}

// applyServices gives the engine the control ports: 21 and every service
// port. Caller holds f.mu.
func (f *Feature) applyServices() {
	ports := []uint16{21}
	for _, s := range f.svc {
		ports = append(ports, s.port)
	}
	f.In.SetPorts(ports)
}

// isFTPService reports whether server (inside local address, control
// port) is an FTP control endpoint under the `ip nat service` rules.
func (f *Feature) isFTPService(server netip.AddrPort) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	matched := false
	for _, s := range f.svc {
		if f.lists == nil {
			continue
		}
		fl := packet.Parsed{IPProto: packet.ProtoTCP, Src: server.Addr(), SrcPort: server.Port()}
		if permit, found := f.lists.Evaluate(s.list, &fl); found && permit {
			if s.port == server.Port() {
				return true
			}
			matched = true
		}
	}
	return !matched && server.Port() == 21
}

func (f *Feature) renderServices(w io.Writer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.svc {
		fmt.Fprintf(w, "ip nat service list %s ftp tcp port %d\n", s.list, s.port)
	}
}
