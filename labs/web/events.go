package web

import (
	"context"
	"strings"
	"sync"
	"time"

	"natlab/console"
	"natlab/labs"
	"natlab/pktevent"
)

// MaxEvents is how many events the hub keeps for browsers that connect later.
const MaxEvents = 1000

// Item is one event as /api/events sends it: the router, the link it concerns (when its interface is
// on one), a line of text saying what happened, and the event itself.
type Item struct {
	Seq   uint64         `json:"seq"`
	Node  string         `json:"node"`
	Link  string         `json:"link,omitempty"` // a Link.ID
	Text  string         `json:"text"`
	Event pktevent.Event `json:"event"`
	Error string         `json:"error,omitempty"` // the subscription failed (Event is then empty)
}

// Hub keeps the last MaxEvents items and wakes the browsers' streams when one arrives.
type Hub struct {
	mu      sync.Mutex
	items   []Item // a ring of MaxEvents
	next    uint64 // Seq of the next item
	changed chan struct{}
	links   map[string]string // "node:interface" -> link ID
}

// NewHub makes a hub for topology t (it names each event's link).
func NewHub(t Topology) *Hub {
	h := &Hub{changed: make(chan struct{}), links: map[string]string{}, next: 1}
	for _, l := range t.Links {
		h.links[l.A.Node+":"+labs.ShortInterface(l.A.If)] = l.ID
		h.links[l.B.Node+":"+labs.ShortInterface(l.B.If)] = l.ID
	}
	return h
}

// Add records an event of node.
func (h *Hub) Add(node string, e pktevent.Event) {
	it := Item{Node: node, Event: e, Text: Describe(e)}
	if e.In != "" {
		it.Link = h.links[node+":"+labs.ShortInterface(e.In)]
	}
	h.add(it)
}

func (h *Hub) add(it Item) {
	h.mu.Lock()
	it.Seq = h.next
	h.next++
	if len(h.items) < MaxEvents {
		h.items = append(h.items, it)
	} else {
		h.items[int(it.Seq-1)%MaxEvents] = it
	}
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
}

// Since returns the items after seq (oldest first) and a channel closed when more arrive. A seq
// this hub never gave out means everything it keeps.
func (h *Hub) Since(seq uint64) ([]Item, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if seq >= h.next {
		seq = 0 // an ID from before this server started (the browser reconnects after a restart)
	}
	first := h.next - uint64(len(h.items)) // Seq of the oldest item kept
	from := max(seq+1, first)
	out := make([]Item, 0, h.next-from)
	for s := from; s < h.next; s++ {
		out = append(out, h.items[int(s-1)%MaxEvents])
	}
	return out, h.changed
}

// Subscribe follows node's events through its console socket until ctx ends, subscribing again
// after an error (the router restarted or reloaded) and recording the error once per outage.
func (h *Hub) Subscribe(ctx context.Context, node string, path func() (string, error)) {
	var lastErr string
	for ctx.Err() == nil {
		err := h.follow(ctx, node, path)
		if err != nil && err.Error() != lastErr && ctx.Err() == nil {
			lastErr = err.Error()
			h.add(Item{Node: node, Text: node + ": no events: " + lastErr, Error: lastErr})
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (h *Hub) follow(ctx context.Context, node string, path func() (string, error)) error {
	p, err := path()
	if err != nil {
		return err
	}
	ev, err := console.DialEvents(p, 2*time.Second)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { ev.Close() })
	defer stop()
	defer ev.Close()
	for {
		e, err := ev.Next()
		if err != nil {
			return err
		}
		if e.Kind != pktevent.KindStats {
			h.Add(node, e)
		}
	}
}

// Describe says in one line what a router did to a packet.
//
//	NAT tcp 203.0.113.10:45000 > 203.0.113.100:21 => dst 192.168.2.10:21 (new translation)
//	ACL OUTSIDE_IN permit tcp any host 203.0.113.100 eq ftp: tcp 203.0.113.10:45000 > 203.0.113.100:21
//	FTP 227 Entering Passive Mode (192,168,1,10,11,185) → (203,0,113,2,11,185): port 11*256+185 = 3001
func Describe(e pktevent.Event) string {
	var b strings.Builder
	switch e.Kind {
	case pktevent.KindNAT:
		b.WriteString("NAT " + e.Proto + " " + e.Src.String() + " > " + e.Dst.String() + " =>")
		if e.NewSrc != e.Src {
			b.WriteString(" src " + e.NewSrc.String())
		}
		if e.NewDst != e.Dst {
			b.WriteString(" dst " + e.NewDst.String())
		}
		if e.Created {
			b.WriteString(" (new translation)")
		}
	case pktevent.KindACL:
		rule := e.Rule
		if rule == "" {
			rule = "implicit deny"
		}
		list := e.List
		if e.Dir != "" {
			list += " " + e.Dir
		}
		b.WriteString("ACL " + list + " " + rule + ": " + e.Proto + " " + e.Src.String() + " > " + e.Dst.String())
		if e.Action == "deny" {
			b.WriteString(" DENIED")
		}
	case pktevent.KindFTP:
		b.WriteString("FTP " + e.Before + " → " + changedPart(e.Before, e.After))
		if e.Arith != "" {
			b.WriteString(": " + e.Arith)
		}
	default:
		b.WriteString(e.Kind.String())
	}
	return b.String()
}

// changedPart is after from the start of the first word (or parenthesised group) that differs from
// before: "(203,0,113,2,11,185)" of a rewritten 227.
func changedPart(before, after string) string {
	i := 0
	for i < len(before) && i < len(after) && before[i] == after[i] {
		i++
	}
	if i == len(after) && i == len(before) {
		return after
	}
	j := strings.LastIndexAny(after[:i], " (")
	if j >= 0 && after[j] == ' ' {
		j++
	}
	// The sentence's full stop after a 227's numbers is not part of what changed.
	return strings.TrimSuffix(after[max(j, 0):], ".")
}
