package nat

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// The flows of FuzzSequence: inside hosts (PAT, static, a pool host),
// outside hosts, the global addresses the outside sends to, ports.
var (
	seqInsides  = []string{"192.168.1.10", "192.168.1.11", "192.168.1.66", "192.168.2.10", "192.168.3.5"}
	seqOutsides = []string{"203.0.113.10", "203.0.113.11"}
	seqGlobals  = []string{"203.0.113.1", "203.0.113.100", "203.0.113.50"}
	seqPorts    = []uint16{1, 53, 80, 511, 512, 1024, 40000}
	seqFlags    = []uint8{syn, synack, ack, finack, rst}
)

// seqLab is the lab the sequences run on: the reference rules, a
// one-address pool without overload for 192.168.3.0/24, max-entries 12,
// all-host 6 and a limit of 3 for 192.168.1.66.
func seqLab(t testing.TB) *lab {
	l := newLab(t).reference(t)
	l.lists = prefixLists{"1": {netip.MustParsePrefix("192.168.1.0/24")}, "3": {netip.MustParsePrefix("192.168.3.0/24")}}
	must(t, l.AddPool(Pool{Name: "P", Start: ip("203.0.113.50"), End: ip("203.0.113.50"), PrefixLen: 24}))
	must(t, l.AddMapping(Mapping{List: "3", Pool: "P"}))
	l.SetMaxEntries(12)
	l.SetAllHostLimit(6)
	l.SetHostLimit(ip("192.168.1.66"), 3)
	return l
}

// seqPacket builds the packet op describes: 3 bytes pick the direction,
// protocol, endpoints and TCP flags.
func seqPacket(op [3]byte) (b []byte, outbound bool) {
	pick := func(s []string, x byte) string { return s[int(x)%len(s)] }
	outbound = op[0]&1 == 0
	var src, dst string
	if outbound {
		src, dst = pick(seqInsides, op[1]), pick(seqOutsides, op[1]>>4)
	} else {
		src, dst = pick(seqOutsides, op[1]), pick(seqGlobals, op[1]>>4)
	}
	sport, dport := seqPorts[int(op[2])%len(seqPorts)], seqPorts[int(op[2]>>4)%len(seqPorts)]
	switch op[0] >> 1 % 4 {
	case 0, 1:
		return tcpPkt(src, sport, dst, dport, seqFlags[int(op[0]>>3)%len(seqFlags)]), outbound
	case 2:
		return udpPkt(src, sport, dst, dport), outbound
	}
	typ := uint8(8)
	if op[0]&8 != 0 {
		typ = 0
	}
	return echoPkt(typ, src, dst, sport), outbound
}

// FuzzSequence runs sequences of packets of a few flows, both ways, with
// the clock moving, expiry and clearing, through a NAT with limits. After
// each packet: nothing panicked, a translated packet's checksums verify,
// and the table keeps its invariants and its limits.
func FuzzSequence(f *testing.F) {
	f.Add([]byte{0, 0, 0x21, 1, 0, 0x12, 0, 0, 0x21})
	f.Add([]byte{0, 2, 0x10, 0, 2, 0x11, 0, 2, 0x12, 0, 2, 0x13, 0, 2, 0x14, 0xff, 10, 0})
	f.Add([]byte{4, 4, 0x01, 5, 0x24, 0x10, 6, 3, 0x33, 0xfe, 0, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, prog []byte) {
		l := seqLab(t)
		for i := 0; i+3 <= len(prog) && i < 3*512; i += 3 {
			op := [3]byte{prog[i], prog[i+1], prog[i+2]}
			switch op[0] {
			case 0xff: // time passes, expiry runs
				l.clock.Advance(time.Duration(op[1]) * 5 * time.Second)
				l.Sweep()
				continue
			case 0xfe:
				l.ClearAll()
				continue
			}
			b, outbound := seqPacket(op)
			var r Result
			if outbound {
				r = l.Outbound(b)
			} else {
				r = l.Inbound(b)
			}
			if r == Hit || r == Created {
				if _, err := verifyPacket(b); err != nil {
					t.Fatalf("op %d: translated packet: %v", i/3, err)
				}
			}
			if err := l.invariants(); err != nil {
				t.Fatalf("op %d: %v", i/3, err)
			}
		}
	})
}

// invariants checks the table: both indexes hold the same sessions under
// their keys; the entry count, the per-host counts and the binding
// reference counts match the sessions; PAT bindings are indexed both ways
// and own their global port; no limit is exceeded.
func (l *lab) invariants() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	sessions := map[*Session]bool{}
	var err error
	l.in.each(func(s *Session) {
		sessions[s] = true
		if l.out.get(s.outKey()) != s && err == nil {
			err = fmt.Errorf("session %v not in the outside index", s.inKey())
		}
	})
	if err != nil {
		return err
	}
	if n := l.out.count(); n != len(sessions) {
		return fmt.Errorf("%d inside keys, %d outside keys", len(sessions), n)
	}
	refs := map[*Binding]int{}
	hosts := map[[4]byte]int{}
	for s := range sessions {
		if s.binding != nil {
			refs[s.binding]++
		}
		hosts[s.inLocal.addr]++
	}
	for a := range l.simpleByLocal {
		hosts[a]++
	}
	if got := len(sessions) + len(l.simpleByLocal); got != l.sessions {
		return fmt.Errorf("entries counted %d, held %d", l.sessions, got)
	}
	if m := l.cfg.timeouts.MaxEntries; m > 0 && l.sessions > m {
		return fmt.Errorf("%d entries over max-entries %d", l.sessions, m)
	}
	if len(hosts) != len(l.hosts) {
		return fmt.Errorf("%d hosts counted, %d hold entries", len(l.hosts), len(hosts))
	}
	for a, n := range hosts {
		he := l.hosts[a]
		if he == nil || he.count != n {
			return fmt.Errorf("host %v: %d entries, counted %v", netip.AddrFrom4(a), n, he)
		}
		if r := l.cfg.limits.hosts[a]; r != nil && n > r.max {
			return fmt.Errorf("host %v: %d entries over its limit %d", netip.AddrFrom4(a), n, r.max)
		}
	}
	for k, b := range l.patByLocal {
		if refs[b] != b.refs {
			return fmt.Errorf("PAT binding %v: refs %d, used by %d", k, b.refs, refs[b])
		}
		if l.patByGlobal[bindKey{b.global.addr, b.global.port, b.proto}] != b {
			return fmt.Errorf("PAT binding %v not indexed by its global side", k)
		}
		if ps := l.ports[allocKey{b.global.addr, b.proto}]; ps == nil || !ps.has(b.global.port) {
			return fmt.Errorf("PAT binding %v: global port not allocated", k)
		}
	}
	if len(l.patByGlobal) != len(l.patByLocal) {
		return fmt.Errorf("PAT bindings: %d local, %d global", len(l.patByLocal), len(l.patByGlobal))
	}
	for _, b := range l.simpleByLocal {
		if refs[b] != b.refs {
			return fmt.Errorf("pool binding %v: refs %d, used by %d", netip.AddrFrom4(b.local.addr), b.refs, refs[b])
		}
	}
	return nil
}
