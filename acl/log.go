package acl

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"natlab/packet"
	"natlab/pktevent"
)

// maxLoggedFlows bounds the logging cache; hits of new flows beyond it
// are counted as rate-limited instead of printed.
const maxLoggedFlows = 4096

// logKey is one logged flow: IOS prints the first packet at once and then
// a summary per flow per interval.
type logKey struct {
	list         string
	iface        string // log-input: the input interface; "" otherwise
	kind         Kind
	action       Action
	proto        packet.Proto
	src, dst     uint32
	sport, dport uint16 // TCP/UDP ports, or ICMP type/code
}

// logger turns matches of `log` entries into %SEC-6-IPACCESSLOG* lines.
// The packet path only touches a map under a mutex (a logged entry is a
// slow path on IOS too); messages go to a goroutine so a slow console
// never stalls forwarding.
type logger struct {
	mu      sync.Mutex
	flows   map[logKey]uint64 // packets since the last message
	out     chan string
	emit    func(string)
	stop    chan struct{}
	done    sync.WaitGroup
	limited atomic.Uint64
	once    sync.Once
	events  *pktevent.Bus // set by SetEvents before traffic flows (events.go)
}

func newLogger(emit func(string), interval time.Duration) *logger {
	l := &logger{flows: map[logKey]uint64{}, emit: emit, stop: make(chan struct{})}
	if emit == nil {
		return l
	}
	l.out = make(chan string, 256)
	l.done.Add(1)
	go l.run(interval)
	return l
}

func (l *logger) run(interval time.Duration) {
	defer l.done.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case m := <-l.out:
			l.emit(m)
		case <-t.C:
			l.flush()
		case <-l.stop:
			return
		}
	}
}

func (l *logger) close() {
	l.once.Do(func() {
		close(l.stop)
		l.done.Wait()
	})
}

func (l *logger) send(m string) {
	if l.out == nil {
		return
	}
	select {
	case l.out <- m:
	default:
		l.limited.Add(1)
	}
}

// hit records one logged match; the first packet of a flow is printed
// immediately.
func (l *logger) hit(list string, e *Entry, p *packet.Parsed, iface string) {
	k := logKey{list: list, kind: e.Kind, action: e.Action, proto: p.IPProto, src: addr32(p.Src), dst: addr32(p.Dst)}
	if e.Log == LogInput {
		k.iface = iface
	}
	switch {
	case e.Kind == Standard:
		k.dst, k.proto = 0, 0
	case p.HasPorts():
		k.sport, k.dport = p.SrcPort, p.DstPort
	case p.HasICMP():
		k.sport, k.dport = uint16(p.ICMPType), uint16(p.ICMPCode)
	}
	l.mu.Lock()
	if _, seen := l.flows[k]; seen {
		l.flows[k]++
		l.mu.Unlock()
		return
	}
	if len(l.flows) >= maxLoggedFlows {
		l.mu.Unlock()
		l.limited.Add(1)
		return
	}
	l.flows[k] = 0
	l.mu.Unlock()
	l.send(k.message(1))
}

// flush prints the summaries of flows seen since the last interval and
// forgets flows that were quiet, so their next packet is printed at once.
func (l *logger) flush() {
	l.mu.Lock()
	var msgs []string
	for k, n := range l.flows {
		if n == 0 {
			delete(l.flows, k)
			continue
		}
		msgs = append(msgs, k.message(n))
		l.flows[k] = 0
	}
	l.mu.Unlock()
	for _, m := range msgs {
		l.send(m)
	}
}

// message renders the IOS syslog line for n packets of the flow.
func (k logKey) message(n uint64) string {
	count := "1 packet"
	if n != 1 {
		count = fmt.Sprintf("%d packets", n)
	}
	action := "denied"
	if k.action == Permit {
		action = "permitted"
	}
	in := ""
	if k.iface != "" {
		in = " (" + k.iface + ")"
	}
	src, dst := ipString(k.src), ipString(k.dst)
	switch {
	case k.kind == Standard:
		return fmt.Sprintf("%%SEC-6-IPACCESSLOGS: list %s %s %s%s %s", k.list, action, src, in, count)
	case k.proto == packet.ProtoTCP || k.proto == packet.ProtoUDP:
		return fmt.Sprintf("%%SEC-6-IPACCESSLOGP: list %s %s %s %s(%d)%s -> %s(%d), %s",
			k.list, action, protoName(k.proto), src, k.sport, in, dst, k.dport, count)
	case k.proto == packet.ProtoICMP:
		return fmt.Sprintf("%%SEC-6-IPACCESSLOGDP: list %s %s icmp %s%s -> %s (%d/%d), %s",
			k.list, action, src, in, dst, k.sport, k.dport, count)
	}
	return fmt.Sprintf("%%SEC-6-IPACCESSLOGNP: list %s %s %d %s%s -> %s, %s",
		k.list, action, k.proto, src, in, dst, count)
}
