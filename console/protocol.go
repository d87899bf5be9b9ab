package console

// Hello is the first line a client sends.
type Hello struct {
	Mode string `json:"mode"` // "terminal", "cli" or "events"
	Rows int    `json:"rows,omitempty"`
	Cols int    `json:"cols,omitempty"`
}

// Request is one CLI-mode request: a line to run, or a line to complete.
type Request struct {
	Line     *string `json:"line,omitempty"`
	Complete *string `json:"complete,omitempty"`
}

// Reply is one CLI-mode answer line: output, or the end of a request.
type Reply struct {
	Out        string   `json:"out,omitempty"`
	End        bool     `json:"end,omitempty"`
	OK         bool     `json:"ok,omitempty"`
	Prompt     string   `json:"prompt,omitempty"`
	Closed     bool     `json:"closed,omitempty"`
	Candidates []string `json:"candidates,omitempty"`
	Error      string   `json:"error,omitempty"` // a protocol error, not a CLI one
}

// Modes of a connection.
const (
	ModeTerminal = "terminal"
	ModeCLI      = "cli"
	// ModeEvents streams the router's packet events (package pktevent) as
	// JSON lines; the client sends nothing after the hello.
	ModeEvents = "events"
)
