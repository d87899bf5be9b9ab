package labs

import (
	"fmt"
	"io"
	"os"
)

// Limits on a topology file. A lab's nodes are namespaces and processes on one machine: a thousand is
// far beyond any practice lab, and the limits keep a mistaken or hostile file from taking minutes and
// gigabytes before it is refused.
const (
	MaxFileSize = 4 << 20 // bytes
	MaxNodes    = 1000
	MaxLinks    = 1000 // a link per node is typical; a switch port per link keeps a bridge under its 1,024 ports
	MaxTasks    = 1000
)

// limits are the bounds one parse applies (the benchmark lifts them to measure huge files).
type limits struct {
	fileSize, nodes, links, tasks int
}

var defaultLimits = limits{fileSize: MaxFileSize, nodes: MaxNodes, links: MaxLinks, tasks: MaxTasks}

// sizeError is the error for a file over the size limit.
func sizeError(file string, size, limit int) *Error {
	return &Error{File: file, Msg: fmt.Sprintf("the file is %d bytes; a topology file is at most %d bytes (%d MiB)", size, limit, limit>>20)}
}

// readLimited reads a file, but no more than one byte past the limit, so that a huge file (or an
// endless one such as /dev/zero) is refused without being read.
func readLimited(file string, limit int) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		size := len(b)
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = int(fi.Size())
		}
		return nil, ErrorList{sizeError(file, size, limit)}
	}
	return b, nil
}
