package labs

import (
	"fmt"
	"os"
	"path/filepath"
)

// dhclientConf keeps dhclient asking: a lab's server may be configured only after the lab is up
// (the student's task), so the client retries every few seconds and never gives up, instead of
// dhclient's default five-minute pause after a minute without an offer.
const dhclientConf = `timeout 86400;
retry 5;
initial-interval 1;
backoff-cutoff 4;
request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;
`

// dhclientScript is the script dhclient runs on each lease event: it sets the address and the
// default route with ip, and leaves resolv.conf alone (Debian's dhclient-script would rewrite the
// machine's own, which a network namespace shares).
const dhclientScript = `#!/bin/sh
case "$reason" in
BOUND|RENEW|REBIND|REBOOT)
	if [ -n "$old_ip_address" ] && [ "$old_ip_address" != "$new_ip_address" ]; then
		ip -4 addr flush dev "$interface"
	fi
	ip -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
	for r in $new_routers; do ip route replace default via "$r" dev "$interface"; break; done
	;;
EXPIRE|FAIL|RELEASE|STOP)
	ip -4 addr flush dev "$interface"
	;;
esac
exit 0
`

// startDHCP runs dhclient in the foreground (it stays, renewing the lease, until labs down ends
// the namespace's processes) on each of a DHCP host's interfaces. It does not wait for a lease: the
// server may be the student's task; checks that need the address wait for it themselves.
func (d *deployer) startDHCP(n *Node) error {
	if !n.DHCP {
		return nil
	}
	st, _ := d.s.Node(n.Name)
	script := filepath.Join(d.s.dir, "dhclient-script")
	if err := os.WriteFile(script, []byte(dhclientScript), 0o755); err != nil {
		return err
	}
	conf := filepath.Join(d.s.dir, "dhclient.conf")
	if err := os.WriteFile(conf, []byte(dhclientConf), 0o644); err != nil {
		return err
	}
	for _, l := range d.t.LinksOf(n) {
		here, _ := l.At(n)
		base := filepath.Join(d.s.dir, n.Name+"-"+here.If)
		p, _, err := d.spawn(nil, n.Name, "dhclient", st.Log, "ip", "netns", "exec", st.Netns,
			"dhclient", "-d", "-v", "-cf", conf, "-sf", script, "-pf", base+".dhclient.pid", "-lf", base+".leases", here.If)
		if err != nil {
			return fmt.Errorf("%s: dhclient: %v (is isc-dhcp-client installed?)", n.Name, err)
		}
		d.s.Procs = append(d.s.Procs, p)
		if err := d.s.Save(); err != nil {
			return err
		}
		fmt.Fprintf(d.o.Out, "%s: dhclient asks for an address on %s\n", n.Name, here.If)
	}
	return nil
}
