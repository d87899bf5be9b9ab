package ftpinspect

import (
	"fmt"
	"strconv"

	"natlab/packet"
)

// CommandLine formats a `debug ip inspect ftp-cmd` line for a control line
// that concerns the inspector (a command from the client or a 227/229 reply
// from the server), without the timestamp prefix:
//
//	CBAC FTP: cmd 10.0.0.10:49732 => 198.51.100.50:21 "PORT 10,0,0,10,195,80"
//	CBAC FTP: reply 198.51.100.50:21 => 10.0.0.10:49732 "227 Entering Passive Mode (198,51,100,50,11,185)"
//
// f is the control connection with the line's sender as Src.
func CommandLine(f packet.Tuple, fromClient bool, line []byte) string {
	what := "reply"
	if fromClient {
		what = "cmd"
	}
	return fmt.Sprintf("CBAC FTP: %s %s => %s %q", what, f.SrcAddrPort(), f.DstAddrPort(), line)
}

// TokenLines formats the `debug ip inspect ftp-tokens` lines for a parsed
// announcement: the message, the address and the port with the arithmetic
// that decodes it (p1*256+p2 for PORT and 227).
//
//	CBAC FTP: tokens 227: ip 10,0,0,20 = 10.0.0.20
//	CBAC FTP: tokens 227: port 11*256+185 = 3001
func TokenLines(a *Announcement) []string {
	k := a.Kind.String()
	switch a.Kind {
	case KindPORT, Kind227:
		f := a.Fields
		return []string{
			fmt.Sprintf("CBAC FTP: tokens %s: ip %d,%d,%d,%d = %s", k, f[0], f[1], f[2], f[3], a.Addr),
			fmt.Sprintf("CBAC FTP: tokens %s: port %d*256+%d = %d", k, f[4], f[5], a.Port),
		}
	case KindEPRT:
		return []string{
			fmt.Sprintf("CBAC FTP: tokens EPRT: delimiter %q protocol 1 ip %s", string(a.Delim), a.Addr),
			"CBAC FTP: tokens EPRT: port " + strconv.Itoa(int(a.Port)),
		}
	case Kind229:
		return []string{
			fmt.Sprintf("CBAC FTP: tokens 229: delimiter %q ip (control connection)", string(a.Delim)),
			"CBAC FTP: tokens 229: port " + strconv.Itoa(int(a.Port)),
		}
	}
	return nil
}

func (in *Inspector) debugCmd(c *conn, dir int, line []byte) {
	if in.cfg.Debug == nil || !in.debugCmdOn.Load() {
		return
	}
	if dir == dirClient {
		switch verbOf(line) {
		case verbNone, verbOther:
			return
		}
	}
	in.cfg.Debug(CommandLine(c.flow(dir), dir == dirClient, line))
}

func (in *Inspector) debugTokens(c *conn, dir int, a *Announcement) {
	if in.cfg.Debug == nil || !in.debugTokOn.Load() {
		return
	}
	for _, l := range TokenLines(a) {
		in.cfg.Debug(l)
	}
}
