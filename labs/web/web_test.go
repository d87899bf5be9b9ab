package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"natlab/console"
	"natlab/device"
	"natlab/labs"
	"natlab/pktevent"
)

// fakeLab is the default lab's topology with one real router (a device on no ports) behind a console
// socket, as labs up would run it.
type fakeLab struct {
	topo Topology
	sock string
	d    *device.Device
}

func (f *fakeLab) Topology() Topology { return f.topo }
func (f *fakeLab) ConsolePath(node string) (string, error) {
	if node != "r1" {
		return "", fmt.Errorf("lab has no router %q", node)
	}
	return f.sock, nil
}

const r1Config = `hostname R1
interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
interface GigabitEthernet0/2
 ip address 192.168.2.1 255.255.255.0
 ip nat inside
ip nat inside source static 192.168.2.10 203.0.113.100
ip access-list extended OUTSIDE_IN
 permit tcp any host 203.0.113.100 eq ftp
`

func newFakeLab(t *testing.T) *fakeLab {
	t.Helper()
	top, err := labs.LoadShipped(labs.DefaultLab)
	if err != nil {
		t.Fatal(err)
	}
	d := device.New(device.Options{})
	t.Cleanup(func() { d.Close() })
	if errs := d.ApplyStartup(strings.NewReader(r1Config)); len(errs) > 0 {
		t.Fatalf("config: %v", errs)
	}
	sock := filepath.Join(t.TempDir(), "r1.console")
	ln, err := console.Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go console.ServeWith(ln, d.Engine, console.Options{Events: d.Events})
	return &fakeLab{topo: BuildTopology(top, map[string]string{"r1": "running"}), sock: sock, d: d}
}

func TestBuildTopology(t *testing.T) {
	top, err := labs.LoadShipped(labs.DefaultLab)
	if err != nil {
		t.Fatal(err)
	}
	got := BuildTopology(top, map[string]string{"r1": "running"})
	if got.Lab != "ftp-nat" || len(got.Nodes) != 4 || len(got.Links) != 3 {
		t.Fatalf("got %+v", got)
	}
	ids := map[string]bool{}
	for _, l := range got.Links {
		ids[l.ID] = true
		if l.A.Node != "r1" {
			t.Errorf("link %s: the router is not first", l.ID)
		}
	}
	for _, id := range []string{"r1:Gi0/0-pc1:eth0", "r1:Gi0/1-isp:eth0", "r1:Gi0/2-srv:eth0"} {
		if !ids[id] {
			t.Errorf("no link %s in %v", id, ids)
		}
	}
	for _, n := range got.Nodes {
		switch n.Name {
		case "r1":
			if n.State != "running" || len(n.Ifs) != 3 || n.Ifs[0].Short != "Gi0/0" || n.Ifs[0].Addr != "" {
				t.Errorf("r1: %+v", n)
			}
		case "srv":
			if len(n.Ifs) != 1 || n.Ifs[0].Addr != "192.168.2.10/24" {
				t.Errorf("srv: %+v", n)
			}
		}
	}
}

func TestParseBrief(t *testing.T) {
	in := `Interface              IP-Address      OK? Method Status                Protocol
GigabitEthernet0/0     192.168.1.1     YES NVRAM  up                    up
GigabitEthernet0/3     unassigned      YES unset  administratively down down
garbage
`
	want := []IfState{
		{Name: "GigabitEthernet0/0", Addr: "192.168.1.1", Status: "up", Protocol: "up"},
		{Name: "GigabitEthernet0/3", Addr: "unassigned", Status: "administratively down", Protocol: "down"},
	}
	got := ParseBrief(in)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if got := ParseBrief(""); got == nil || len(got) != 0 {
		t.Fatalf("empty: %#v", got)
	}
}

func TestDescribe(t *testing.T) {
	ap := netip.MustParseAddrPort
	tests := []struct {
		e    pktevent.Event
		want string
	}{
		{pktevent.Event{Kind: pktevent.KindFTP, Before: "227 Entering Passive Mode (192,168,1,10,11,185)",
			After: "227 Entering Passive Mode (203,0,113,2,11,185)", Arith: "port 11*256+185 = 3001"},
			"FTP 227 Entering Passive Mode (192,168,1,10,11,185) → (203,0,113,2,11,185): port 11*256+185 = 3001"},
		{pktevent.Event{Kind: pktevent.KindFTP, Before: "227 Entering passive mode (192,168,2,10,11,186).",
			After: "227 Entering passive mode (203,0,113,100,11,186).", Arith: "port 11*256+186 = 3002"},
			"FTP 227 Entering passive mode (192,168,2,10,11,186). → (203,0,113,100,11,186): port 11*256+186 = 3002"},
		{pktevent.Event{Kind: pktevent.KindFTP, Before: "PORT 192,168,1,10,195,80", After: "PORT 203,0,113,1,195,80", Arith: "port 195*256+80 = 50000"},
			"FTP PORT 192,168,1,10,195,80 → 203,0,113,1,195,80: port 195*256+80 = 50000"},
		{pktevent.Event{Kind: pktevent.KindNAT, Proto: "tcp", Src: ap("203.0.113.10:45000"), Dst: ap("203.0.113.100:21"),
			NewSrc: ap("203.0.113.10:45000"), NewDst: ap("192.168.2.10:21"), Created: true},
			"NAT tcp 203.0.113.10:45000 > 203.0.113.100:21 => dst 192.168.2.10:21 (new translation)"},
		{pktevent.Event{Kind: pktevent.KindACL, List: "OUTSIDE_IN", Action: "deny", Proto: "udp", Src: ap("203.0.113.10:5000"), Dst: ap("203.0.113.1:53")},
			"ACL OUTSIDE_IN implicit deny: udp 203.0.113.10:5000 > 203.0.113.1:53 DENIED"},
		{pktevent.Event{Kind: pktevent.KindACL, List: "101", Dir: "out", Rule: "permit tcp any any eq www", Action: "permit", Proto: "tcp", Src: ap("192.168.1.10:40000"), Dst: ap("203.0.113.10:80")},
			"ACL 101 out permit tcp any any eq www: tcp 192.168.1.10:40000 > 203.0.113.10:80"},
	}
	for _, tc := range tests {
		if got := Describe(tc.e); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

func TestHubBounded(t *testing.T) {
	h := NewHub(Topology{Links: []Link{{ID: "r1:Gi0/1-isp:eth0", A: End{"r1", "GigabitEthernet0/1"}, B: End{"isp", "eth0"}}}})
	items, changed := h.Since(0)
	if len(items) != 0 {
		t.Fatalf("new hub has %d items", len(items))
	}
	h.Add("r1", pktevent.Event{Kind: pktevent.KindACL, In: "GigabitEthernet0/1"})
	select {
	case <-changed:
	default:
		t.Fatal("Add did not wake the waiters")
	}
	items, _ = h.Since(0)
	if len(items) != 1 || items[0].Link != "r1:Gi0/1-isp:eth0" || items[0].Seq != 1 {
		t.Fatalf("items %+v", items)
	}
	for range 2 * MaxEvents {
		h.Add("r1", pktevent.Event{Kind: pktevent.KindNAT})
	}
	items, _ = h.Since(0)
	if len(items) != MaxEvents || items[0].Seq != MaxEvents+2 || items[len(items)-1].Seq != 2*MaxEvents+1 {
		t.Fatalf("%d items, seq %d..%d", len(items), items[0].Seq, items[len(items)-1].Seq)
	}
	if items, _ := h.Since(2*MaxEvents - 1); len(items) != 2 {
		t.Fatalf("since: %d items", len(items))
	}
	if items, _ := h.Since(1 << 40); len(items) != MaxEvents {
		t.Fatalf("since a seq from another server: %d items", len(items))
	}
}

func get(t *testing.T, url string) (string, *http.Response) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp
}

func TestHandlers(t *testing.T) {
	f := newFakeLab(t)
	s := New(f)
	ts := httptest.NewServer(s)
	defer ts.Close()

	tests := []struct {
		path, ctype string
		contains    []string
	}{
		{"/", "text/html", []string{`<script src="/assets/xterm.js">`, `id="topology"`}},
		{"/assets/app.js", "javascript", []string{"EventSource", "/ws/console"}},
		{"/assets/xterm.js", "javascript", []string{"Terminal"}},
		{"/assets/xterm.css", "text/css", []string{".xterm"}},
		{"/api/topology", "application/json", []string{`"lab":"ftp-nat"`, `"id":"r1:Gi0/1-isp:eth0"`, `"addr":"203.0.113.10/24"`}},
	}
	for _, tc := range tests {
		body, resp := get(t, ts.URL+tc.path)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, c := range tc.contains {
			if !strings.Contains(body, c) {
				t.Errorf("%s lacks %q", tc.path, c)
			}
		}
	}
	if _, resp := get(t, ts.URL+"/nothing"); resp.StatusCode != 404 {
		t.Errorf("/nothing: %d", resp.StatusCode)
	}

	// /api/state after a poll: the router's tables as it prints them, its interfaces parsed.
	s.pollers["r1"].Poll()
	body, _ := get(t, ts.URL+"/api/state")
	var st State
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Routers) != 1 || st.Routers[0].Error != "" || len(st.Routers[0].Shows) != len(Shows) {
		t.Fatalf("state %s", body)
	}
	nat := st.Routers[0].Shows[0]
	if nat.Command != "show ip nat translations" || !strings.Contains(nat.Output, "203.0.113.100") || !strings.Contains(nat.Output, "192.168.2.10") {
		t.Errorf("nat translations: %q", nat.Output)
	}
	if acl := st.Routers[0].Shows[2].Output; !strings.Contains(acl, "OUTSIDE_IN") {
		t.Errorf("access-lists: %q", acl)
	}
	found := false
	for _, i := range st.Routers[0].Ifs {
		if i.Name == "GigabitEthernet0/1" && i.Addr == "203.0.113.1" {
			found = true
		}
	}
	if !found {
		t.Errorf("interfaces %+v", st.Routers[0].Ifs)
	}
}

// A router the poller cannot reach shows why, and the next good poll clears it.
func TestPollerError(t *testing.T) {
	p := NewPoller("r9", func() (string, error) { return "", errors.New("lab has no router r9") })
	p.Poll()
	if st := p.State(); st.Error != "lab has no router r9" {
		t.Fatalf("state %+v", st)
	}
}

// The events stream: the hub follows the router's console in events mode and a browser gets each
// event as an SSE message.
func TestEventsStream(t *testing.T) {
	f := newFakeLab(t)
	s := New(f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Start(ctx)
	ts := httptest.NewServer(s)
	defer ts.Close()

	deadline := time.Now().Add(5 * time.Second)
	for !f.d.Events.Active() {
		if time.Now().After(deadline) {
			t.Fatal("the hub did not subscribe to the router")
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.d.Events.Publish(pktevent.Event{Kind: pktevent.KindFTP, Before: "227 Entering Passive Mode (192,168,2,10,11,185)",
		After: "227 Entering Passive Mode (203,0,113,100,11,185)", Arith: "port 11*256+185 = 3001"})

	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var it Item
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatal(err)
		}
		want := "FTP 227 Entering Passive Mode (192,168,2,10,11,185) → (203,0,113,100,11,185): port 11*256+185 = 3001"
		if it.Node != "r1" || it.Text != want {
			t.Fatalf("item %+v", it)
		}
		return
	}
	t.Fatal("the stream ended without the event")
}

// The console bridge: a WebSocket to the router's console in terminal mode.
func TestConsoleBridge(t *testing.T) {
	f := newFakeLab(t)
	ts := httptest.NewServer(New(f))
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	if _, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws/console?node=pc1", nil); err == nil || resp == nil || resp.StatusCode != 404 {
		t.Fatalf("a host's console: err %v", err)
	}

	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws/console?node=r1&rows=30&cols=100", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	var screen strings.Builder
	expect := func(want string) {
		t.Helper()
		for !strings.Contains(screen.String(), want) {
			_, b, err := ws.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %q: %v\nscreen: %q", want, err, screen.String())
			}
			screen.Write(b)
		}
	}
	send := func(s string) {
		if err := ws.Write(ctx, websocket.MessageBinary, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	send("\r")
	expect("R1>")
	send("enable\r")
	expect("R1#")
	screen.Reset()
	send("show ip nat translations\r")
	expect("203.0.113.100")
	expect("R1#")
	ws.Close(websocket.StatusNormalClosure, "")
}

// A WebSocket from another site's page is refused: the console is privileged EXEC.
func TestConsoleBridgeOrigin(t *testing.T) {
	f := newFakeLab(t)
	ts := httptest.NewServer(New(f))
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h := http.Header{"Origin": []string{"http://evil.example"}}
	_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws/console?node=r1", &websocket.DialOptions{HTTPHeader: h})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin console: err %v resp %v", err, resp)
	}
}
