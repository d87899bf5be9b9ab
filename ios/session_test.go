package ios

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPager(t *testing.T) {
	e, _ := newTestEngine()
	e.Install(&Command{Mode: Exec, Syntax: "show numbers", Help: []string{HelpShow, "Numbers"}, Run: func(c *Context, a Args) error {
		for i := 1; i <= 10; i++ {
			c.Printf("line %d\n", i)
		}
		return nil
	}})
	erase := strings.Repeat("\b", 10) + strings.Repeat(" ", 10) + strings.Repeat("\b", 10)
	tests := []struct {
		keys   string
		length int
		cmd    string
		want   string
	}{
		// Space: the next page; Return: one more line; q: stop.
		{" \n", 4, "show numbers", "line 1\nline 2\nline 3\n --More-- " + erase + "line 4\nline 5\nline 6\n --More-- " + erase + "line 7\n --More-- " + erase},
		{"q", 4, "show numbers", "line 1\nline 2\nline 3\n --More-- " + erase},
		{"", 0, "show numbers", "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n"},
		// Filters apply before paging.
		{"", 4, "show numbers | include 1", "line 1\nline 10\n"},
	}
	for _, tt := range tests {
		s, out := sessionIn(e, Exec)
		s.SetPagerInput(strings.NewReader(tt.keys))
		s.Execute(fmt.Sprintf("terminal length %d", tt.length))
		s.Execute(tt.cmd)
		if out.String() != tt.want {
			t.Errorf("keys %q length %d:\n got %q\nwant %q", tt.keys, tt.length, out.String(), tt.want)
		}
	}
	// A script never pages.
	s, out := sessionIn(e, Exec)
	s.RunScript(strings.NewReader("terminal length 2\nshow numbers\n"))
	if strings.Contains(out.String(), "More") || !strings.Contains(out.String(), "line 10") {
		t.Errorf("script paged: %q", out.String())
	}
}

func TestLog(t *testing.T) {
	e := NewEngine()
	at := time.Date(2024, time.January, 2, 10, 15, 31, 201e6, time.UTC)
	e.Clock = func() time.Time { return at }
	var a, b strings.Builder
	sa, sb := e.NewSession(&a), e.NewSession(&b)
	sb.SetLogging(false)
	sa.SetMode(Config)
	sa.Execute("end")
	want := "*Jan  2 10:15:31.201: %SYS-5-CONFIG_I: Configured from console by console\n"
	if a.String() != want || b.String() != "" {
		t.Errorf("console %q, muted %q", a.String(), b.String())
	}
	sb.Execute("terminal monitor")
	e.Log("%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up")
	if !strings.HasSuffix(b.String(), "*Jan  2 10:15:31.201: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up\n") {
		t.Errorf("monitor: %q", b.String())
	}
	sa.Close()
	e.Log("%SYS-5-CONFIG_I: Configured from console by console")
	if strings.Count(a.String(), "\n") != 2 {
		t.Errorf("closed session still logs: %q", a.String())
	}
	if got := e.LogBuffer(); len(got) != 3 || got[0] != strings.TrimSuffix(want, "\n") || e.LogCount() != 3 {
		t.Errorf("buffer %q count %d", got, e.LogCount())
	}
	e.SetLogBufferSize(100)
	if got := e.LogBuffer(); len(got) != 1 {
		t.Errorf("bounded buffer kept %d lines", len(got))
	}
	for i := 0; i < 1000; i++ {
		e.Log("%SYS-5-CONFIG_I: Configured from console by console")
	}
	if got := e.LogBuffer(); len(got) != 1 {
		t.Errorf("bounded buffer kept %d lines", len(got))
	}
}

func TestDefaultClock(t *testing.T) {
	e := NewEngine()
	if ts := Timestamp(e.Clock()); !strings.HasPrefix(ts, "*Mar  1 00:00:0") {
		t.Errorf("boot clock %q", ts)
	}
}

// TestSessions runs several consoles at once while another goroutine logs
// and reads the running-config (run with -race).
func TestSessions(t *testing.T) {
	e, _ := newTestEngine()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var out strings.Builder
			s := e.NewSession(&out)
			defer s.Close()
			s.SetMode(Config)
			for j := 0; j < 50; j++ {
				s.Execute(fmt.Sprintf("ip route 10.%d.%d.0 255.255.255.0 gi0/1", i, j))
				s.Execute("do show running-config | count route")
				s.Execute("interface loopback 1")
				s.Execute("description busy")
				s.Execute("sh?")
			}
		}(i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < 100; j++ {
			e.Log("%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up")
			_ = e.RunningConfig()
		}
	}()
	wg.Wait()
	if n := strings.Count(e.RunningConfig(), "ip route "); n != 200 {
		t.Errorf("%d routes", n)
	}
}

// TestHandlerPanic: a panicking handler prints an error, releases the lock
// and the session goes on.
func TestHandlerPanic(t *testing.T) {
	e := NewEngine()
	e.Install(&Command{Mode: Exec, Syntax: "crash", Help: []string{"Crash"}, Run: func(*Context, Args) error { panic("boom") }})
	s, out := sessionIn(e, Exec)
	if s.Execute("crash") || !strings.Contains(out.String(), "boom") {
		t.Errorf("panic: %q", out.String())
	}
	// The lock was released despite the panic: taking it again must not block.
	locked := make(chan struct{})
	go func() { e.Lock(); close(locked); e.Unlock() }()
	select {
	case <-locked:
	case <-time.After(2 * time.Second):
		t.Fatal("the config lock is still held after a panicking handler")
	}
	if !s.Execute("terminal length 0") {
		t.Error("session broken after a panic")
	}
}

func TestHistory(t *testing.T) {
	e := NewEngine()
	var out strings.Builder
	s := e.NewSession(&out)
	s.SetLogging(false)
	for i := 0; i < 12; i++ {
		s.Execute(fmt.Sprintf("terminal width %d", i+60))
	}
	s.Execute("en")
	s.Execute("conf t")
	s.Execute("hostname A")
	s.Execute("do show history")
	out.Reset()
	s.Execute("end")
	s.Execute("show history")
	got := out.String()
	if !strings.HasPrefix(got, "  terminal width 65\n") || !strings.HasSuffix(got, "  en\n  conf t\n  show history\n") || strings.Contains(got, "hostname") {
		t.Errorf("history:\n%s", got)
	}
}

func TestEnableCheckAndAsk(t *testing.T) {
	e := NewEngine()
	e.EnableCheck = func(c *Context) error {
		if c.AskSecret("Password: ") != "cisco" {
			return Errorf("%% Bad secrets\n")
		}
		return nil
	}
	var out strings.Builder
	s := e.NewSession(&out)
	s.SetPagerInput(strings.NewReader("wrong\rcisco\r"))
	if s.Execute("enable") || s.Mode() != UserExec {
		t.Fatalf("wrong password accepted")
	}
	if !s.Execute("enable") || s.Mode() != Exec {
		t.Fatalf("right password refused")
	}
	if want := "Password: \n% Bad secrets\nPassword: \n"; out.String() != want {
		t.Errorf("got %q want %q", out.String(), want)
	}
	// A script answers every question with Return.
	out.Reset()
	s2 := e.NewSession(&out)
	s2.SetMode(Exec)
	s2.RunScript(strings.NewReader("copy running-config startup-config\n"))
	if want := "Router#copy running-config startup-config\nDestination filename [startup-config]? \nBuilding configuration...\n[OK]\n"; out.String() != want {
		t.Errorf("got %q want %q", out.String(), want)
	}
}

func TestHelpIsPaged(t *testing.T) {
	e, _ := newTestEngine()
	s, out := sessionIn(e, Exec)
	s.SetPagerInput(strings.NewReader("q"))
	s.Execute("terminal length 4")
	out.Reset()
	s.Execute("?")
	if want := "Exec commands:\n  access-enable    Create a temporary Access-List entry\n  access-profile   Apply user-profile to interface\n --More-- " + moreErase + "Router#\n"; out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}
