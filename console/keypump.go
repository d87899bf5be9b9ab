package console

import (
	"io"
	"sync"
)

// keyEscape is Ctrl-^ (Ctrl-Shift-6), the first key of IOS's escape sequence; Ctrl-^ x interrupts
// the command running (ping, traceroute).
const keyEscape = 0x1e

// keyQueueSize bounds the keys typed ahead while a command runs (a pasted configuration waits
// there). When it is full the pump stops reading until the editor catches up; an escape sequence
// typed behind a longer paste is seen only then.
const keyQueueSize = 64 << 10

// keyPump reads a terminal's keys in a goroutine of its own, so that the escape sequence is seen
// while a command runs and the editor is not reading: Ctrl-^ x calls interrupt and never reaches the
// editor (nor does a lone Ctrl-^); every other key is queued for the editor, the pager and answers.
type keyPump struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    []byte // queued keys, at most keyQueueSize
	err    error  // the input's error, once it failed
	closed bool   // the reader has gone: the pump stops
}

// newKeyPump starts pumping r; the pump ends when r fails or close is called.
func newKeyPump(r io.Reader, interrupt func()) *keyPump {
	p := &keyPump{}
	p.cond.L = &p.mu
	go p.run(r, interrupt)
	return p
}

func (p *keyPump) run(r io.Reader, interrupt func()) {
	chunk := make([]byte, 512)
	escape := false // the last key was Ctrl-^
	for {
		n, err := r.Read(chunk)
		keys := chunk[:0]
		for _, k := range chunk[:n] {
			switch {
			case escape:
				escape = k == keyEscape
				if k == 'x' || k == 'X' {
					interrupt()
					continue
				}
				if !escape {
					keys = append(keys, k)
				}
			case k == keyEscape:
				escape = true
			default:
				keys = append(keys, k)
			}
		}
		if !p.push(keys) {
			return
		}
		if err != nil {
			p.mu.Lock()
			p.err = err
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
	}
}

// push queues keys, waiting while the queue is full; false when the pump was closed.
func (p *keyPump) push(keys []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(keys) > 0 {
		for len(p.buf) >= keyQueueSize && !p.closed {
			p.cond.Wait()
		}
		if p.closed {
			return false
		}
		n := min(len(keys), keyQueueSize-len(p.buf))
		p.buf = append(p.buf, keys[:n]...)
		keys = keys[n:]
		p.cond.Broadcast()
	}
	return !p.closed
}

// Read hands out queued keys, waiting for some; after the input failed and the queue is empty it
// returns the input's error.
func (p *keyPump) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.buf) == 0 && p.err == nil && !p.closed {
		p.cond.Wait()
	}
	if len(p.buf) == 0 {
		if p.closed {
			return 0, io.ErrClosedPipe
		}
		return 0, p.err
	}
	n := copy(b, p.buf)
	p.buf = p.buf[:copy(p.buf, p.buf[n:])]
	p.cond.Broadcast()
	return n, nil
}

// close stops the pump: a push waiting for room returns, and the goroutine ends with its next read.
func (p *keyPump) close() {
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	p.mu.Unlock()
}
