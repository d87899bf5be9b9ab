package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"natlab/internal/netnstest"
)

// placement is where the client and the server sit.
type placement struct {
	name         string
	client       func(*lab) string // namespace
	server       func(*lab) string // namespace
	listen       string            // the server's own address
	dial         string            // the address the client connects to
	clientGlobal string            // what a PORT/EPRT must carry on the outside wire
	serverGlobal string            // what a 227 must carry on the outside wire
}

var placements = []placement{
	{name: "isp->srv static NAT", client: func(l *lab) string { return l.isp }, server: func(l *lab) string { return l.srv },
		listen: srvAddr, dial: staticAddr, clientGlobal: ispAddr, serverGlobal: staticAddr},
	{name: "pc1 PAT->isp", client: func(l *lab) string { return l.pc1 }, server: func(l *lab) string { return l.isp },
		listen: ispAddr, dial: ispAddr, clientGlobal: patAddr, serverGlobal: ispAddr},
}

// rounds put one server on srv and the other on the isp, then swap them, so that each server meets each
// placement.
var rounds = [][2]string{{"vsftpd", "pyftpdlib"}, {"pyftpdlib", "vsftpd"}}

// results collects every cell of both routers for the table.
type results struct {
	mu    sync.Mutex
	cells map[string]map[string]string // cell -> router kind -> result
	order []string
}

func (r *results) put(cell, kind, res string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cells == nil {
		r.cells = map[string]map[string]string{}
	}
	if r.cells[cell] == nil {
		r.cells[cell] = map[string]string{}
		r.order = append(r.order, cell)
	}
	r.cells[cell][kind] = res
}

func (r *results) table() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	w := 10
	for _, c := range r.order {
		w = max(w, len(c))
	}
	kinds := r.kinds()
	fmt.Fprintf(&b, "%-*s", w, "cell")
	for k, kind := range kinds {
		fmt.Fprintf(&b, " | %-*s", columnWidth(k, len(kinds)), kind)
	}
	fmt.Fprintf(&b, "\n%s", strings.Repeat("-", w))
	for range kinds {
		fmt.Fprintf(&b, "-+-%s", strings.Repeat("-", 40))
	}
	b.WriteString("\n")
	for _, c := range r.order {
		fmt.Fprintf(&b, "%-*s", w, c)
		for k, kind := range kinds {
			fmt.Fprintf(&b, " | %-*s", columnWidth(k, len(kinds)), orDash(r.cells[c][kind]))
		}
		b.WriteString("\n")
	}
	return strings.ReplaceAll(b.String(), " \n", "\n")
}

// kinds are the router kinds that have results, in labKinds order.
func (r *results) kinds() []string {
	var out []string
	for _, k := range labKinds {
		for _, c := range r.cells {
			if _, ok := c[k]; ok {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// columnWidth pads every column but the last to 40.
func columnWidth(k, n int) int {
	if k == n-1 {
		return 0
	}
	return 40
}

// labKinds are the routers a lab can have in the middle: ours on TUN devices, ours on Ethernet (veth
// pairs opened with AF_PACKET, ARP), and the kernel.
var labKinds = []string{"ours", "ethernet", "kernel"}

// againstKernel runs run as the subtest "ours" on a lab through our router and as "kernel" on one
// through the kernel, and when the test ends logs the table of both routers' results, titled title,
// and saves it as report.
func againstKernel(t *testing.T, title, report string, run func(t *testing.T, l *lab, res *results)) {
	againstKernelAs(t, []string{"ours", "kernel"}, title, report, run)
}

// againstKernelAs is againstKernel with the router kinds to run.
func againstKernelAs(t *testing.T, kinds []string, title, report string, run func(t *testing.T, l *lab, res *results)) {
	var res results
	t.Cleanup(func() {
		table := res.table()
		t.Logf("%s (ours vs kernel):\n%s", title, table)
		writeReport(report, table)
	})
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) { run(t, newLab(t, kind), &res) })
	}
}

// writeReport saves a table under $FTP_MATRIX_REPORT (a directory) when it is set (bench/ftp-matrix.sh).
func writeReport(name, table string) {
	if dir := os.Getenv("FTP_MATRIX_REPORT"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, name), []byte(table), 0o644)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// TestFTPMatrix downloads and uploads 5 MB with every client and mode, through both placements, with both
// servers, through our router and through the kernel, and checks checksums and the outside wire.
// Only our router's cells are asserted; the kernel's are the baseline in the table.
func TestFTPMatrix(t *testing.T) {
	netnstest.RequireRoot(t, "tcpdump")
	serversAvailable(t)
	againstKernelAs(t, labKinds, "FTP matrix", "matrix.txt", func(t *testing.T, l *lab, res *results) {
		for _, round := range rounds {
			onSrv := startServer(t, round[0], l.srv, srvAddr)
			onISP := startServer(t, round[1], l.isp, ispAddr)
			for _, p := range placements {
				srv := onSrv
				if p.server(l) == l.isp {
					srv = onISP
				}
				for _, c := range clients {
					cell := fmt.Sprintf("%s %s / %s", p.name, srv.name, c.name)
					t.Run(cell, func(t *testing.T) {
						if !c.installed() {
							res.put(cell, l.kind, "skipped: no "+c.program)
							t.Skipf("%s is not installed", c.program)
						}
						res.put(cell, l.kind, runCell(t, l, p, srv, c))
					})
				}
			}
			onSrv.stop()
			onISP.stop()
		}
	})
}

var cellSeq struct {
	sync.Mutex
	n int
}

// runCell runs one client through one placement and returns the table entry. Problems are test errors
// for our router and only reported for the kernel.
func runCell(t *testing.T, l *lab, p placement, srv *ftpServer, c client) string {
	download, upload := payloadFiles(t)
	cellSeq.Lock()
	cellSeq.n++
	name := fmt.Sprintf("%s-%d.bin", l.kind, cellSeq.n)
	cellSeq.Unlock()
	out := filepath.Join(t.TempDir(), "down.bin")

	var problems []string
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		problems = append(problems, msg)
		if l.ours() {
			t.Error(msg)
		} else {
			t.Log("kernel: " + msg)
		}
	}
	var (
		w       *wire
		output  string
		err     error
		elapsed time.Duration
	)
	for attempt := 1; ; attempt++ {
		capt := startCapture(t, l.isp)
		start := time.Now()
		output, err = runIn(p.client(l), c.cmds(p.dial, out, upload, name), 100*time.Second)
		elapsed = time.Since(start)
		w = capt.stop(t)
		if w.dropped == 0 {
			break
		}
		if attempt == 2 {
			t.Fatalf("tcpdump lost packets twice, the capture proves nothing:\n%s", w.tcpdump)
		}
		t.Logf("tcpdump lost packets, running the cell again:\n%s", w.tcpdump)
		_ = os.Remove(filepath.Join(srv.root, "upload", name))
	}
	if err != nil {
		fail("client: %v\n%s", err, tail(output))
	}
	if got, want := fileSHA(out), fileSHA(download); got != want {
		fail("download: sha256 %.12s, want %.12s", got, want)
	}
	uploaded := filepath.Join(srv.root, "upload", name)
	if got, want := fileSHA(uploaded), fileSHA(upload); got != want {
		fail("upload: sha256 %.12s, want %.12s", got, want)
	}
	_ = os.Remove(uploaded) // 5 MB per cell adds up on a tmpfs
	if _, _, conflicts := w.controlLines(); conflicts > 0 {
		fail("outside wire: %d retransmitted control bytes differ from their first transmission", conflicts)
	}
	anns := w.announcements()
	var seen []string
	for _, a := range anns {
		seen = append(seen, strings.TrimSpace(a.verb+" "+a.addr))
		if !slices.Contains(c.verbs, a.verb) {
			continue
		}
		switch a.verb {
		case "PORT", "EPRT":
			if a.addr != p.clientGlobal {
				fail("outside wire: %q carries %s, want %s", a.line, a.addr, p.clientGlobal)
			}
		case "227":
			if a.addr != p.serverGlobal {
				fail("outside wire: %q carries %s, want %s", a.line, a.addr, p.serverGlobal)
			}
		}
	}
	n := 0
	for _, a := range anns {
		if slices.Contains(c.verbs, a.verb) {
			n++
		}
	}
	if n < 2 {
		fail("outside wire: %d announcements of %v (want one per transfer); saw %v", n, c.verbs, seen)
	}
	if leaks := w.privateLeaks(); len(leaks) > 0 {
		fail("outside wire: private address in %q", leaks)
	}
	if len(problems) > 0 && l.ours() {
		t.Logf("%s log:\n%s", srv.name, tail(srv.log.String()))
		t.Logf("client output:\n%s", tail(output))
		t.Logf("outside wire, FTP control segments (tcpdump: %s):\n%s", strings.TrimSpace(w.tcpdump), w.dump())
	}
	wireNote := strings.Join(slices.Compact(seen), ",")
	if len(problems) > 0 {
		return "FAIL " + shorten(problems[0], 60) + " [" + wireNote + "]"
	}
	return fmt.Sprintf("ok %.1fs [%s]", elapsed.Seconds(), wireNote)
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

func shorten(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
