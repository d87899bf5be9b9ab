package web

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"natlab/labs"
)

//go:embed assets
var assets embed.FS

// Server is the HTTP side of labs web.
type Server struct {
	lab     Lab
	topo    Topology
	hub     *Hub
	pollers map[string]*Poller
	order   []string // routers in topology order
	mux     *http.ServeMux
}

// New makes the server of lab; Start begins polling and following its routers.
func New(lab Lab) *Server {
	s := &Server{lab: lab, topo: lab.Topology(), pollers: map[string]*Poller{}, mux: http.NewServeMux()}
	s.hub = NewHub(s.topo)
	for _, n := range s.topo.Nodes {
		if n.Kind != labs.Router {
			continue
		}
		s.order = append(s.order, n.Name)
		s.pollers[n.Name] = NewPoller(n.Name, s.consolePath(n.Name))
	}
	sub, _ := fs.Sub(assets, "assets")
	s.mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(sub)))
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.HandleFunc("GET /api/topology", s.topology)
	s.mux.HandleFunc("GET /api/state", s.state)
	s.mux.HandleFunc("GET /api/events", s.events)
	s.mux.HandleFunc("GET /ws/console", s.console)
	return s
}

func (s *Server) consolePath(node string) func() (string, error) {
	return func() (string, error) { return s.lab.ConsolePath(node) }
}

// Start polls every router and follows its events until ctx ends.
func (s *Server) Start(ctx context.Context) {
	for _, name := range s.order {
		go s.pollers[name].Run(ctx)
		go s.hub.Subscribe(ctx, name, s.consolePath(name))
	}
}

// Hub is the server's event hub.
func (s *Server) Hub() *Hub { return s.hub }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("assets/index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}

// topology serves the drawing with the nodes' current states.
func (s *Server) topology(w http.ResponseWriter, r *http.Request) {
	t := s.lab.Topology()
	writeJSON(w, t)
}

// State is /api/state: each router's panel, in topology order.
type State struct {
	Routers []RouterState `json:"routers"`
}

func (s *Server) state(w http.ResponseWriter, r *http.Request) {
	st := State{Routers: []RouterState{}}
	for _, name := range s.order {
		st.Routers = append(st.Routers, s.pollers[name].State())
	}
	writeJSON(w, st)
}

// heartbeat keeps an idle event stream from being closed by a proxy, and notices a browser gone.
const heartbeat = 15 * time.Second

// events streams the hub's items as Server-Sent Events: the backlog after Last-Event-ID (or every
// item kept), then each new one.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	var seq uint64
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		seq, _ = strconv.ParseUint(id, 10, 64)
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fl.Flush()
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for {
		items, changed := s.hub.Since(seq)
		for _, it := range items {
			b, err := json.Marshal(it)
			if err != nil {
				continue
			}
			if _, err := fmt.Fprintf(w, "id: %d\ndata: %s\n\n", it.Seq, b); err != nil {
				return
			}
			seq = it.Seq
		}
		fl.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": alive\n\n"); err != nil {
				return
			}
		}
	}
}
