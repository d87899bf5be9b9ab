package ftpinspect

// rule is one `ip inspect name NAME PROTOCOL ...` line.
type rule struct {
	proto        string // ftp, tcp, udp, icmp
	alert, audit bool
	alertSet     bool // alert given on the line (else it follows ip inspect alert-off)
	timeout      int  // seconds, in effect
	timeoutSet   bool // given on the line (else it follows the global idle time)
}

// ruleSet is the rules of one inspection name, in configuration order.
type ruleSet struct{ protos []*rule }

func (s *ruleSet) get(proto string) *rule {
	for _, r := range s.protos {
		if r.proto == proto {
			return r
		}
	}
	return nil
}

// defaultTimeouts are the per-protocol idle timeouts IOS shows.
var defaultTimeouts = map[string]int{"ftp": 3600, "tcp": 3600, "udp": 30, "icmp": 10}

// ifInspect is `ip inspect NAME in|out` on one interface.
type ifInspect struct{ in, out string }

// rebuildCBAC compiles the interface rules for the packet path. Caller
// holds f.mu.
func (f *Feature) rebuildCBAC() {
	s := &cbacSnap{in: map[int]*ruleSet{}, out: map[int]*ruleSet{}}
	if f.r != nil {
		for name, b := range f.iface {
			i := f.r.Interface(name)
			if i == nil {
				continue
			}
			for _, d := range []struct {
				rule string
				m    map[int]*ruleSet
			}{{b.in, s.in}, {b.out, s.out}} {
				if rs := f.rules[d.rule]; d.rule != "" && rs != nil {
					cp := &ruleSet{}
					for _, r := range rs.protos {
						rc := *r
						cp.protos = append(cp.protos, &rc)
					}
					d.m[i.Index()] = cp
				}
			}
		}
	}
	f.cb.snap.Store(s)
}

// cbacSnap is the compiled interface rules: by interface index, the rule
// set applied inbound and outbound. Immutable once stored.
type cbacSnap struct {
	in, out map[int]*ruleSet
}
