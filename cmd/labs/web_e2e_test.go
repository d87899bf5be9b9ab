package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"natlab/internal/netnstest"
	"natlab/labs"
)

// The browser test of labs web: the default lab (FTP through NAT) deployed, labs web serving it, the
// page open in headless Chromium driven over the DevTools protocol. A passive FTP transfer from the
// ISP to the server behind static NAT must show up on the page: the translation in R1's
// `show ip nat translations` and the 227 line before and after its rewrite in the event stream. The
// router's console opened in the page must answer too. A screenshot is kept.
func TestWebBrowser(t *testing.T) {
	netnstest.RequireRoot(t, "curl")
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed")
	}
	e := newEnv(t)
	name := labName("web")
	e.cleanupLab(name)
	e.up(defaultLabCopy(t, name))

	// labs web on a free loopback port.
	addr := freeLoopbackAddr(t)
	web := exec.Command(e.bin, "web", "--listen", addr, "--lab", name)
	web.Env = append(os.Environ(), labs.RunDirEnv+"="+e.runDir)
	var webOut strings.Builder
	web.Stdout, web.Stderr = &webOut, &webOut
	if err := web.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { web.Process.Kill(); web.Wait() })
	url := "http://" + addr + "/"
	waitFor(t, 10*time.Second, "labs web to serve", func() bool {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})

	b := startBrowser(t, chromium, url)
	waitFor(t, 20*time.Second, "the page to be live", func() bool {
		return strings.Contains(b.text(t, "document.getElementById('status').textContent"), "live") &&
			strings.Contains(b.text(t, "document.body.innerText"), "show ip nat translations")
	})

	out, errs, code := e.labs("", "exec", "--lab", name, "isp", "--", "curl", "-s", "--disable-epsv", "--max-time", "10", "ftp://203.0.113.100/pub/hello.txt")
	if code != 0 || !strings.Contains(out, "hello from srv") {
		t.Fatalf("passive FTP from isp: exit %d\n%s%s", code, out, errs)
	}

	translation := regexp.MustCompile(`tcp 203\.0\.113\.100:21 +192\.168\.2\.10:21 +203\.0\.113\.10:\d+ +203\.0\.113\.10:\d+`)
	rewrite := regexp.MustCompile(`(?i)227 entering passive mode \(192,168,2,10,(\d+),(\d+)\)\.? → \(203,0,113,100,(\d+),(\d+)\)\.?: port (\d+)\*256\+(\d+) = (\d+)`)
	var sawTranslation, sawRewrite, nat, events string
	for deadline := time.Now().Add(20 * time.Second); sawTranslation == "" || sawRewrite == ""; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the page does not show the translation (%q) and the rewritten 227 (%q):\nNAT panel:\n%s\nevents:\n%s",
				sawTranslation, sawRewrite, nat, events)
		}
		nat = b.text(t, `[...document.querySelectorAll("pre[data-command='show ip nat translations']")].map(p => p.textContent).join("\n")`)
		if m := translation.FindString(nat); m != "" {
			sawTranslation = m
		}
		events = b.text(t, "document.getElementById('events').innerText")
		if m := rewrite.FindStringSubmatch(events); m != nil {
			sawRewrite = m[0]
			n := make([]int, len(m))
			for i := 1; i < len(m); i++ {
				n[i], _ = strconv.Atoi(m[i])
			}
			// Static NAT keeps the port: the same p1,p2 on both sides, and the arithmetic adds up.
			if n[1] != n[3] || n[2] != n[4] || n[5] != n[1] || n[6] != n[2] || n[7] != n[1]*256+n[2] {
				t.Fatalf("the rewrite's numbers do not add up: %q", m[0])
			}
		}
	}
	t.Logf("page shows the translation %q", sawTranslation)
	t.Logf("page shows the rewrite %q", sawRewrite)

	shot := filepath.Join(os.TempDir(), fmt.Sprintf("labs-web-%d.png", os.Getpid()))
	if err := os.WriteFile(shot, b.screenshot(t), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)

	// The console in the page: xterm.js on the WebSocket bridge.
	b.text(t, "openConsole('r1'), 'opened'")
	waitFor(t, 10*time.Second, "R1's prompt in the page's terminal", func() bool {
		return strings.Contains(b.text(t, "(document.querySelector('#terminal .xterm-rows') || {innerText: ''}).innerText"), "R1>")
	})

	shot = filepath.Join(os.TempDir(), fmt.Sprintf("labs-web-%d-console.png", os.Getpid()))
	if err := os.WriteFile(shot, b.screenshot(t), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot with the console: %s", shot)
	if t.Failed() {
		t.Logf("labs web said:\n%s", webOut.String())
	}
}

// defaultLabCopy writes the default lab under another name (its namespaces are named after it, so
// the test never meets a real ftp-nat lab) and returns the topology file.
func defaultLabCopy(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	topo, err := labs.ShippedFile(labs.DefaultLab, "topology.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := labs.ShippedFile(labs.DefaultLab, "r1.cfg")
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(string(topo), "\nname: "+labs.DefaultLab+"\n", "\nname: "+name+"\n", 1)
	if renamed == string(topo) {
		t.Fatalf("the default lab's topology has no name line")
	}
	file := filepath.Join(dir, "topology.yml")
	if err := os.WriteFile(file, []byte(renamed), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "r1.cfg"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// browser is headless Chromium showing one page, driven over the DevTools protocol.
type browser struct {
	ws  *websocket.Conn
	ctx context.Context
	id  int
}

// startBrowser starts Chromium on url with a profile of its own, and kills it (by PID) when the test
// ends.
func startBrowser(t *testing.T, chromium, url string) *browser {
	t.Helper()
	profile := t.TempDir()
	cmd := exec.Command(chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--user-data-dir="+profile,
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1280,900", url)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its helpers die with it
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		syscall.Kill(-pid, syscall.SIGKILL)
		cmd.Wait()
	})
	// Chromium writes the port it chose into the profile.
	var port string
	waitFor(t, 20*time.Second, "chromium's DevTools port", func() bool {
		f, err := os.Open(filepath.Join(profile, "DevToolsActivePort"))
		if err != nil {
			return false
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		if sc.Scan() {
			port = strings.TrimSpace(sc.Text())
		}
		return port != ""
	})
	var wsURL string
	waitFor(t, 10*time.Second, "the page's DevTools target", func() bool {
		resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var targets []struct{ Type, URL, WebSocketDebuggerURL string }
		if json.NewDecoder(resp.Body).Decode(&targets) != nil {
			return false
		}
		for _, tg := range targets {
			if tg.Type == "page" && strings.HasPrefix(tg.URL, url) {
				wsURL = tg.WebSocketDebuggerURL
			}
		}
		return wsURL != ""
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ws, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("DevTools: %v\n%s", err, logs.String())
	}
	ws.SetReadLimit(64 << 20) // screenshots
	t.Cleanup(func() { ws.CloseNow() })
	return &browser{ws: ws, ctx: ctx}
}

// call sends one DevTools command and returns its result.
func (b *browser) call(t *testing.T, method string, params any) json.RawMessage {
	t.Helper()
	b.id++
	req, _ := json.Marshal(map[string]any{"id": b.id, "method": method, "params": params})
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := b.ws.Write(ctx, websocket.MessageText, req); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	for {
		_, msg, err := b.ws.Read(ctx)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		var rep struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct{ Message string }
		}
		if json.Unmarshal(msg, &rep) != nil || rep.ID != b.id {
			continue // an event, or not ours
		}
		if rep.Error != nil {
			t.Fatalf("%s: %s", method, rep.Error.Message)
		}
		return rep.Result
	}
}

// text evaluates a JavaScript expression in the page and returns its value as a string ("" while
// the page is not loaded far enough for it).
func (b *browser) text(t *testing.T, expr string) string {
	t.Helper()
	wrapped := "(() => { try { return String(" + expr + ") } catch (e) { return '' } })()"
	res := b.call(t, "Runtime.evaluate", map[string]any{"expression": wrapped, "returnByValue": true})
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct{ Text string } `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		t.Fatal(err)
	}
	if r.ExceptionDetails != nil {
		t.Fatalf("%s: %s", expr, r.ExceptionDetails.Text)
	}
	if s, ok := r.Result.Value.(string); ok {
		return s
	}
	return fmt.Sprint(r.Result.Value)
}

// screenshot is a PNG of the page as the window shows it (1280x900).
func (b *browser) screenshot(t *testing.T) []byte {
	t.Helper()
	res := b.call(t, "Page.captureScreenshot", map[string]any{"format": "png"})
	var r struct{ Data string }
	if err := json.Unmarshal(res, &r); err != nil {
		t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil || len(png) < 1000 {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
	return png
}
