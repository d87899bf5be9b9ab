package e2e

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// capture is tcpdump writing the FTP control packets of one interface in a namespace to a pcap file.
type capture struct {
	path   string
	cmd    *exec.Cmd
	done   chan struct{}
	stderr *bytes.Buffer
}

// startCapture starts tcpdump on ns's eth0 for TCP port 21 and waits until it is listening. The snapshot
// length is small on purpose: in immediate mode libpcap sizes each ring slot for it, and with the default
// (256 KB) a 2 MB ring holds eight packets, so a busy machine drops control segments.
func startCapture(t *testing.T, ns string) *capture {
	t.Helper()
	c := &capture{path: filepath.Join(t.TempDir(), "outside.pcap"), done: make(chan struct{})}
	c.cmd = exec.Command("ip", "netns", "exec", ns, "tcpdump", "-i", "eth0", "-n", "-U", "--immediate-mode", "-s", "4096", "-B", "16384", "-w", c.path, "tcp port 21")
	pr, pw := io.Pipe()
	c.cmd.Stderr = pw
	c.stderr = &bytes.Buffer{}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("tcpdump: %v", err)
	}
	t.Cleanup(c.stopNow)
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := false
		for sc.Scan() {
			c.stderr.WriteString(sc.Text() + "\n")
			if !once && strings.Contains(sc.Text(), "listening on") {
				once = true
				close(listening)
			}
		}
		close(c.done) // tcpdump has exited and everything it printed is in c.stderr
	}()
	go func() { _ = c.cmd.Wait(); pw.Close() }()
	select {
	case <-listening:
	case <-time.After(10 * time.Second):
		t.Fatalf("tcpdump in %s did not start listening", ns)
	}
	return c
}

func (c *capture) stopNow() {
	select {
	case <-c.done:
	default:
		_ = c.cmd.Process.Signal(syscall.SIGKILL)
		<-c.done
	}
}

// stop ends the capture (tcpdump flushes on SIGINT) and parses what it wrote.
func (c *capture) stop(t *testing.T) *wire {
	t.Helper()
	time.Sleep(200 * time.Millisecond) // let the last segments reach the interface
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.stopNow()
	}
	b, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatalf("reading the capture: %v (tcpdump: %s)", err, c.stderr.String())
	}
	w, err := parsePcap(b)
	if err != nil {
		t.Fatalf("parsing the capture: %v", err)
	}
	w.tcpdump = c.stderr.String()
	if m := regexp.MustCompile(`(\d+) packets? dropped by kernel`).FindStringSubmatch(w.tcpdump); m != nil {
		fmt.Sscan(m[1], &w.dropped)
	}
	return w
}

// segment is one captured TCP segment with payload.
type segment struct {
	src, dst string // a.b.c.d:port
	seq      uint32
	syn      bool
	payload  []byte
}

// wire is what a capture holds: the TCP segments in capture order.
type wire struct {
	segs    []segment
	tcpdump string // tcpdump's own messages (packets captured, dropped)
	dropped int    // packets tcpdump lost: then the capture proves nothing
}

func parsePcap(b []byte) (*wire, error) {
	if len(b) < 24 {
		return &wire{}, nil // tcpdump stopped before writing its header: nothing captured
	}
	var order binary.ByteOrder
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		order = binary.LittleEndian
	case 0xd4c3b2a1, 0x4d3cb2a1:
		order = binary.BigEndian
	default:
		return nil, fmt.Errorf("not a pcap file")
	}
	link := order.Uint32(b[20:]) & 0xffff
	var hdr int
	switch link {
	case 1:
		hdr = 14
	case 12, 101, 228:
		hdr = 0
	case 113:
		hdr = 16
	case 276:
		hdr = 20
	default:
		return nil, fmt.Errorf("link type %d", link)
	}
	w := &wire{}
	for off := 24; off+16 <= len(b); {
		n := int(order.Uint32(b[off+8:]))
		off += 16
		if off+n > len(b) {
			break
		}
		pkt := b[off : off+n]
		off += n
		if len(pkt) < hdr+20 {
			continue
		}
		if link == 1 && binary.BigEndian.Uint16(pkt[12:]) != 0x0800 {
			continue
		}
		ip := pkt[hdr:]
		if ip[0]>>4 != 4 || ip[9] != 6 {
			continue
		}
		ihl := int(ip[0]&15) * 4
		total := int(binary.BigEndian.Uint16(ip[2:]))
		if total > len(ip) || ihl+20 > total {
			continue
		}
		tcp := ip[ihl:total]
		doff := int(tcp[12]>>4) * 4
		if doff < 20 || doff > len(tcp) {
			continue
		}
		w.segs = append(w.segs, segment{
			src:     fmt.Sprintf("%d.%d.%d.%d:%d", ip[12], ip[13], ip[14], ip[15], binary.BigEndian.Uint16(tcp[0:])),
			dst:     fmt.Sprintf("%d.%d.%d.%d:%d", ip[16], ip[17], ip[18], ip[19], binary.BigEndian.Uint16(tcp[2:])),
			seq:     binary.BigEndian.Uint32(tcp[4:]),
			syn:     tcp[13]&0x02 != 0,
			payload: append([]byte(nil), tcp[doff:]...),
		})
	}
	return w, nil
}

// stream is one direction of a TCP connection put back together by sequence number.
type stream struct {
	from, to  string
	data      []byte
	conflicts int // retransmitted bytes that differ from the bytes first seen at that position
}

// streams reassembles every direction of every connection in the capture. A SYN with a new initial
// sequence number starts a new connection even on the same addresses and ports (PAT may hand the same
// global port to the client's next connection).
func (w *wire) streams() []*stream {
	type key struct{ src, dst string }
	type building struct {
		s     *stream
		base  uint32
		bytes map[uint32]byte
	}
	cur := map[key]*building{}
	var all []*building
	for _, sg := range w.segs {
		k := key{sg.src, sg.dst}
		b := cur[k]
		if b == nil || (sg.syn && b.base != sg.seq+1) {
			b = &building{s: &stream{from: sg.src, to: sg.dst}, base: sg.seq, bytes: map[uint32]byte{}}
			if sg.syn {
				b.base = sg.seq + 1
			}
			cur[k] = b
			all = append(all, b)
		}
		if sg.syn {
			continue // a SYN carries no data here
		}
		for i, c := range sg.payload {
			pos := sg.seq + uint32(i) - b.base
			if old, seen := b.bytes[pos]; seen {
				if old != c {
					b.s.conflicts++
				}
				continue
			}
			b.bytes[pos] = c
		}
	}
	var out []*stream
	for _, b := range all {
		pos := make([]uint32, 0, len(b.bytes))
		for p := range b.bytes {
			if p < 1<<30 { // not before the base: a segment from before the capture began
				pos = append(pos, p)
			}
		}
		sort.Slice(pos, func(i, j int) bool { return pos[i] < pos[j] })
		for _, p := range pos {
			b.s.data = append(b.s.data, b.bytes[p])
		}
		out = append(out, b.s)
	}
	return out
}

// dump renders the segments that carry data, for a failure's log.
func (w *wire) dump() string {
	var b strings.Builder
	for _, s := range w.segs {
		if len(s.payload) > 0 || s.syn {
			fmt.Fprintf(&b, "%s -> %s seq %d syn=%v %q\n", s.src, s.dst, s.seq, s.syn, s.payload)
		}
	}
	return b.String()
}

// announcement is one data-connection announcement seen on the control channel.
type announcement struct {
	verb string // PORT, EPRT, 227, 229
	addr string // dotted quad, empty for 229
	port int
	line string
}

var (
	reQuad   = `(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})`
	rePORT   = regexp.MustCompile(`(?i)^PORT ` + reQuad)
	re227    = regexp.MustCompile(`^227 .*?` + reQuad)
	reEPRT   = regexp.MustCompile(`(?i)^EPRT (.)1(.)([0-9.]+)(.)(\d+)(.)`)
	re229    = regexp.MustCompile(`^229 .*\((.)(.)(.)(\d+)(.)\)`)
	rePriv   = regexp.MustCompile(`192[.,]168[.,]`)
	ctrlPort = ":21"
)

// controlLines returns the lines of the FTP control connections: commands (to port 21) and replies.
func (w *wire) controlLines() (commands, replies []string, conflicts int) {
	for _, s := range w.streams() {
		conflicts += s.conflicts
		lines := strings.Split(strings.ReplaceAll(string(s.data), "\r\n", "\n"), "\n")
		if strings.HasSuffix(s.to, ctrlPort) {
			commands = append(commands, lines...)
		} else if strings.HasSuffix(s.from, ctrlPort) {
			replies = append(replies, lines...)
		}
	}
	return
}

// announcements parses the PORT/EPRT commands and 227/229 replies on the wire.
func (w *wire) announcements() []announcement {
	cmds, reps, _ := w.controlLines()
	return append(announced(cmds, commandForms), announced(reps, replyForms)...)
}

// announcementForm is one way a control line announces a data connection: its pattern, and where in
// a match the address and the port are.
type announcementForm struct {
	verb     string
	re       *regexp.Regexp
	addrPort func(m []string) (addr string, port int)
}

var (
	commandForms = []announcementForm{
		{"PORT", rePORT, quadAddrPort},
		{"EPRT", reEPRT, func(m []string) (string, int) { return m[3], number(m[5]) }},
	}
	replyForms = []announcementForm{
		{"227", re227, quadAddrPort},
		{"229", re229, func(m []string) (string, int) { return "", number(m[4]) }},
	}
)

// announced lists the lines that announce a data connection in one of forms (the first that matches).
func announced(lines []string, forms []announcementForm) []announcement {
	var out []announcement
	for _, l := range lines {
		for _, f := range forms {
			if m := f.re.FindStringSubmatch(l); m != nil {
				addr, port := f.addrPort(m)
				out = append(out, announcement{f.verb, addr, port, l})
				break
			}
		}
	}
	return out
}

// quadAddrPort reads the h1,h2,h3,h4,p1,p2 of PORT and 227.
func quadAddrPort(m []string) (string, int) {
	return strings.Join(m[1:5], "."), number(m[5])*256 + number(m[6])
}

func number(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// privateLeaks lists the control lines that carry a private address, in the reassembled streams and in
// any single segment (a retransmission that differs from the first transmission is only in the latter).
func (w *wire) privateLeaks() []string {
	var out []string
	cmds, reps, _ := w.controlLines()
	for _, l := range append(cmds, reps...) {
		if rePriv.MatchString(l) {
			out = append(out, l)
		}
	}
	for _, s := range w.segs {
		if rePriv.Match(s.payload) {
			out = append(out, fmt.Sprintf("segment %s->%s seq %d: %q", s.src, s.dst, s.seq, s.payload))
		}
	}
	return out
}

// TestAnnounced reads the four announcement forms (no root needed: it checks the parser the matrix
// relies on).
func TestAnnounced(t *testing.T) {
	cmds := []string{"TYPE I", "PORT 203,0,113,1,19,137", "eprt |1|203.0.113.1|5001|", "EPRT |2|::1|5001|"}
	reps := []string{"200 ok", "227 Entering Passive Mode (203,0,113,100,4,1).", "229 Entering Extended Passive Mode (|||40001|)"}
	want := []announcement{
		{"PORT", "203.0.113.1", 19*256 + 137, cmds[1]},
		{"EPRT", "203.0.113.1", 5001, cmds[2]},
		{"227", "203.0.113.100", 4*256 + 1, reps[1]},
		{"229", "", 40001, reps[2]},
	}
	got := append(announced(cmds, commandForms), announced(reps, replyForms)...)
	if !slices.Equal(got, want) {
		t.Errorf("announced:\n got %+v\nwant %+v", got, want)
	}
}
