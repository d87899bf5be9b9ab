package web

import (
	"context"
	"strings"
	"sync"
	"time"

	"natlab/console"
)

// Shows are the commands a router's panel shows, as the router prints them.
var Shows = []string{"show ip nat translations", "show ip inspect sessions", "show access-lists"}

// briefCommand gives the drawing each router interface's address and line state.
const briefCommand = "show ip interface brief"

// maxShowOutput bounds one command's output kept for the page (a NAT table can be long).
const maxShowOutput = 256 << 10

// RouterState is one router's panel as /api/state serves it.
type RouterState struct {
	Name    string    `json:"name"`
	Updated time.Time `json:"updated,omitzero"`
	Error   string    `json:"error,omitempty"` // why the last poll failed
	Shows   []Show    `json:"shows"`
	Ifs     []IfState `json:"ifs"`
}

// Show is one command and its output.
type Show struct {
	Command string `json:"command"`
	Output  string `json:"output"`
}

// IfState is one line of `show ip interface brief`.
type IfState struct {
	Name     string `json:"name"`
	Addr     string `json:"addr"` // "unassigned" as IOS prints it
	Status   string `json:"status"`
	Protocol string `json:"protocol"`
}

// Poller keeps one CLI session on a router and runs the show commands every Every.
type Poller struct {
	Node  string
	Path  func() (string, error) // the console socket (looked up again after a failure)
	Every time.Duration

	mu sync.Mutex
	st RouterState
	cl *console.Client
}

// NewPoller polls node's console at path every second.
func NewPoller(node string, path func() (string, error)) *Poller {
	return &Poller{Node: node, Path: path, Every: time.Second,
		st: RouterState{Name: node, Shows: []Show{}, Ifs: []IfState{}}}
}

// Run polls until ctx ends.
func (p *Poller) Run(ctx context.Context) {
	t := time.NewTicker(p.Every)
	defer t.Stop()
	defer p.close()
	for {
		p.Poll()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (p *Poller) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cl != nil {
		p.cl.Close()
		p.cl = nil
	}
}

// Poll runs the commands once and records what they printed, or why they could not run.
func (p *Poller) Poll() {
	shows, ifs, err := p.poll()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.st.Error = err.Error()
		if p.cl != nil {
			p.cl.Close()
			p.cl = nil // dial again next time: the router may have been restarted or reloaded
		}
		return
	}
	p.st = RouterState{Name: p.Node, Updated: time.Now(), Shows: shows, Ifs: ifs}
}

func (p *Poller) poll() ([]Show, []IfState, error) {
	p.mu.Lock()
	cl := p.cl
	p.mu.Unlock()
	if cl == nil {
		path, err := p.Path()
		if err != nil {
			return nil, nil, err
		}
		if cl, err = console.Dial(path, 2*time.Second); err != nil {
			return nil, nil, err
		}
		p.mu.Lock()
		p.cl = cl
		p.mu.Unlock()
	}
	run := func(cmd string) (string, error) {
		var b limitedBuilder
		cl.SetDeadline(time.Now().Add(5 * time.Second))
		_, err := cl.Run(cmd, &b)
		return b.String(), err
	}
	brief, err := run(briefCommand)
	if err != nil {
		return nil, nil, err
	}
	shows := make([]Show, 0, len(Shows))
	for _, cmd := range Shows {
		out, err := run(cmd)
		if err != nil {
			return nil, nil, err
		}
		shows = append(shows, Show{Command: cmd, Output: out})
	}
	return shows, ParseBrief(brief), nil
}

// State returns the last poll's result.
func (p *Poller) State() RouterState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// ParseBrief reads `show ip interface brief`:
//
//	Interface              IP-Address      OK? Method Status                Protocol
//	GigabitEthernet0/0     192.168.1.1     YES NVRAM  up                    up
//	GigabitEthernet0/3     unassigned      YES unset  administratively down down
func ParseBrief(s string) []IfState {
	out := []IfState{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || f[0] == "Interface" {
			continue
		}
		st := IfState{Name: f[0], Addr: f[1], Protocol: f[len(f)-1], Status: strings.Join(f[4:len(f)-1], " ")}
		out = append(out, st)
	}
	return out
}

// limitedBuilder keeps the first maxShowOutput bytes of a command's output.
type limitedBuilder struct {
	strings.Builder
	cut bool
}

func (b *limitedBuilder) Write(p []byte) (int, error) {
	if room := maxShowOutput - b.Len(); len(p) > room {
		b.Builder.Write(p[:max(room, 0)])
		if !b.cut {
			b.cut = true
			b.Builder.WriteString("\n... (output cut)\n")
		}
		return len(p), nil
	}
	return b.Builder.Write(p)
}
