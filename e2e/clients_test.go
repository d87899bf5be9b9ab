package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// client is one FTP client in one mode. cmds returns the commands that download file.bin to out and
// upload the file up as upload/name to host; verbs are the announcements it may put on the wire.
type client struct {
	name    string
	program string // what must be installed
	active  bool
	verbs   []string
	cmds    func(host, out, up, name string) [][]string
}

func curlClient(name string, active bool, verbs []string, mode ...string) client {
	return client{name: name, program: "curl", active: active, verbs: verbs,
		cmds: func(host, out, up, name string) [][]string {
			common := append([]string{"curl", "-sS", "--max-time", "90", "--connect-timeout", "20"}, mode...)
			return [][]string{
				append(append([]string{}, common...), "-o", out, "ftp://"+host+"/file.bin"),
				append(append([]string{}, common...), "-T", up, "ftp://"+host+"/upload/"+name),
			}
		}}
}

func lftpClient(name string, active bool, verbs []string) client {
	return client{name: name, program: "lftp", active: active, verbs: verbs,
		cmds: func(host, out, up, name string) [][]string {
			script := strings.Join([]string{
				"set cmd:fail-exit yes", "set ftp:ssl-allow no", "set net:timeout 30", "set net:max-retries 2",
				"set net:reconnect-interval-base 2", "set xfer:clobber on",
				"set ftp:passive-mode " + passiveSetting(active), "set ftp:fix-pasv-address off", "set ftp:prefer-epsv no",
				"open -u anonymous,natlab@ ftp://" + host,
				"get file.bin -o " + out,
				"put " + up + " -o upload/" + name,
				"bye",
			}, "; ")
			return [][]string{{"lftp", "-c", script}}
		}}
}

// ftplibScript downloads and uploads with Python's ftplib, trusting the 227 address (the default since
// 3.9.3 ignores it, and then a wrong rewrite would go unnoticed).
const ftplibScript = `
import ftplib, sys
host, mode, out, up, name = sys.argv[1:]
f = ftplib.FTP(host, timeout=60)
f.trust_server_pasv_ipv4_address = True
f.login()
f.set_pasv(mode == "passive")
with open(out, "wb") as o:
    f.retrbinary("RETR file.bin", o.write)
with open(up, "rb") as i:
    f.storbinary("STOR upload/" + name, i)
f.quit()
`

func ftplibClient(name string, active bool, verbs []string) client {
	mode := "passive"
	if active {
		mode = "active"
	}
	return client{name: name, program: "/usr/bin/python3", active: active, verbs: verbs,
		cmds: func(host, out, up, name string) [][]string {
			return [][]string{{"/usr/bin/python3", "-c", ftplibScript, host, mode, out, up, name}}
		}}
}

// tnftpClient runs the BSD ftp client with its defaults for the mode (EPSV, EPRT on IPv4), scripted on
// its standard input through sh.
func tnftpClient(name string, active bool, verbs []string) client {
	return client{name: name, program: "tnftp", active: active, verbs: verbs,
		cmds: func(host, out, up, name string) [][]string {
			script := fmt.Sprintf("user anonymous natlab@\nbinary\npassive %s\nget file.bin %s\nput %s upload/%s\nquit\n",
				passiveSetting(active), out, up, name)
			return [][]string{{"sh", "-c", fmt.Sprintf("printf '%%s' \"$1\" | tnftp -n -v %s", host), "sh", script}}
		}}
}

// passiveSetting is how lftp and tnftp spell the mode: passive on, or off for active.
func passiveSetting(active bool) string {
	if active {
		return "off"
	}
	return "on"
}

// clients is the matrix's client axis.
var clients = []client{
	curlClient("curl EPSV", false, []string{"229"}),
	curlClient("curl PASV", false, []string{"227"}, "--disable-epsv"),
	curlClient("curl EPRT", true, []string{"EPRT"}, "-P", "-"),
	curlClient("curl PORT", true, []string{"PORT"}, "-P", "-", "--disable-eprt"),
	lftpClient("lftp passive", false, []string{"227"}),
	lftpClient("lftp active", true, []string{"PORT", "EPRT"}),
	ftplibClient("ftplib passive", false, []string{"227"}),
	ftplibClient("ftplib active", true, []string{"PORT"}),
	tnftpClient("tnftp passive", false, []string{"229", "227"}),
	tnftpClient("tnftp active", true, []string{"EPRT", "PORT"}),
}

func (c client) installed() bool {
	_, err := exec.LookPath(c.program)
	return err == nil
}

// runIn runs the client's commands in ns, each under a deadline, and returns their combined output.
func runIn(ns string, cmds [][]string, timeout time.Duration) (string, error) {
	var all strings.Builder
	for _, args := range cmds {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns}, args...)...)
		// The whole process group goes at the deadline (sh's children too), by its ID.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		all.Write(out)
		if err != nil {
			if timedOut {
				err = fmt.Errorf("timed out after %v", timeout)
			}
			return all.String(), fmt.Errorf("%s: %v", args[0], err)
		}
	}
	return all.String(), nil
}
