package ios

import (
	"bufio"
	"fmt"
	"io"
)

// MaxLineLength is the longest input line a configuration or a script may
// hold. A longer line is not run: it is reported with its length and the
// reading goes on at the next line, so nothing after it is lost and memory
// stays bounded whatever the input.
const MaxLineLength = 1 << 20

// lineReader reads lines of any length, keeping at most max bytes of each
// (bufio.Scanner stops for good at its first over-long line).
type lineReader struct {
	r   *bufio.Reader
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64*1024), max: max}
}

// next returns the next line without its "\n", its length in bytes, and
// whether it is longer than max (then line holds its first max bytes).
// err is io.EOF after the last line; a last line without "\n" still comes.
func (l *lineReader) next() (line string, length int, tooLong bool, err error) {
	var buf []byte
	read, ended := 0, false
	for {
		chunk, rerr := l.r.ReadSlice('\n')
		read += len(chunk)
		if room := l.max + 1 - len(buf); room > 0 {
			buf = append(buf, chunk[:min(len(chunk), room)]...)
		}
		if rerr == bufio.ErrBufferFull {
			continue // the rest of a long line is counted, not kept
		}
		if rerr != nil && (rerr != io.EOF || read == 0) {
			return "", 0, false, rerr
		}
		ended = rerr == nil
		break
	}
	length = read
	if ended {
		length--
	}
	if len(buf) > length {
		buf = buf[:length]
	}
	if length > l.max {
		return string(buf[:l.max]), length, true, nil
	}
	return string(buf), length, false, nil
}

// lineTooLong is the message for a line over MaxLineLength.
func lineTooLong(length int) string {
	return fmt.Sprintf("%% Line too long: %d bytes (the limit is %d)", length, MaxLineLength)
}
