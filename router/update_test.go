package router

import (
	"strings"
	"sync"
	"testing"
)

// TestUpdatePublishesAtEnd: between BeginUpdate and EndUpdate the
// configuration changes at once and link changes are reported at once,
// but the packet path and Routes see the change only when the outermost
// EndUpdate publishes it.
func TestUpdatePublishesAtEnd(t *testing.T) {
	l := newLab(t)
	var mu sync.Mutex
	var links []string
	l.r.OnLinkChange(func(i *Interface, up bool) {
		mu.Lock()
		links = append(links, i.Name())
		mu.Unlock()
	})
	before := len(l.r.Routes())
	route := StaticRoute{Prefix: mustPrefix("198.51.100.0/24"), NextHop: isp}

	l.r.BeginUpdate()
	l.r.BeginUpdate()
	l.r.AddStaticRoute(route)
	lo := l.r.Loopback(3)
	if len(l.r.StaticRoutes()) != 1 || !lo.LineUp() {
		t.Error("the configuration did not change at once")
	}
	mu.Lock()
	if len(links) != 1 || links[0] != "Loopback3" {
		t.Errorf("link changes reported: %v", links)
	}
	mu.Unlock()
	l.r.EndUpdate()
	if _, ok := l.r.Lookup(farAway); ok || len(l.r.Routes()) != before {
		t.Error("published before the outermost EndUpdate")
	}
	l.inside.Inject(udpPkt(pc1, farAway, 1, 2, 64, nil))
	expectNone(t, l.outside)

	l.r.EndUpdate()
	if _, ok := l.r.Lookup(farAway); !ok {
		t.Error("not published by EndUpdate")
	}
	l.inside.Inject(udpPkt(pc1, farAway, 1, 2, 64, nil))
	if _, p := expect(t, l.outside); p.Dst != farAway {
		t.Errorf("got %v", p.String())
	}
	mu.Lock()
	if len(links) != 1 {
		t.Errorf("EndUpdate reported link changes again: %v", links)
	}
	mu.Unlock()
	l.r.EndUpdate() // unbalanced: ignored
}

// TestLoadingPublishesOnce: the routes of a startup-config reach the
// routing table when SetLoading(false) ends the load; a line entered
// afterwards takes effect at once.
func TestLoadingPublishesOnce(t *testing.T) {
	r, c, e := loadingRouter(t)
	c.SetLoading(true)
	if errs := e.LoadConfig(strings.NewReader(routeConfig(50))); len(errs) > 0 {
		t.Fatal(errs)
	}
	if n := len(r.Routes()); n != 0 {
		t.Errorf("%d routes published while loading", n)
	}
	c.SetLoading(false)
	if n := len(r.Routes()); n != 50+4 {
		t.Errorf("%d routes after loading, want %d", n, 50+4)
	}
	e.LoadConfig(strings.NewReader("ip route 198.51.100.0 255.255.255.0 10.0.0.9\n"))
	if rt, ok := r.Lookup(farAway); !ok || rt.NextHop != mustAddr("10.0.0.9") {
		t.Errorf("a line after loading: %+v %v", rt, ok)
	}
}
