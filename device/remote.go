package device

import (
	"net/netip"

	"natlab/packet"
	"natlab/stack"
	"natlab/vty"
)

// Ports of the vty servers on the router's addresses.
const (
	sshPort    = 22
	telnetPort = 23
)

// startRemoteAccess gives the router a TCP stack of its own (segments to its
// addresses arrive through the normal packet path: input ACL, NAT) and serves
// SSH and telnet on it through the vty lines. `access-class N in` is checked
// against the ACLs.
func (d *Device) startRemoteAccess() {
	d.Stack = stack.New(d.Router)
	d.System.SetAccessClass(d.accessClassPermits)
	srv := vty.New(d.Engine, d.System)
	if ln, err := d.Stack.Listen(sshPort); err == nil {
		go srv.ServeSSH(ln)
	}
	if ln, err := d.Stack.Listen(telnetPort); err == nil {
		go srv.ServeTelnet(ln)
	}
}

// accessClassPermits is `access-class LIST in`: the list sees a TCP segment
// from src. A list that does not exist permits, as on IOS.
func (d *Device) accessClassPermits(list string, src netip.Addr) bool {
	var p packet.Parsed
	p.Src, p.IPProto = src, packet.ProtoTCP
	permit, found := d.ACLs.Evaluate(list, &p)
	return permit || !found
}
