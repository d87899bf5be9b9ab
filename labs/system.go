package labs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// system is what the lab does to the machine, behind an interface so that the bookkeeping of Up and
// Down is tested without root.
type system interface {
	AddNetns(name string) error
	DelNetns(name string) error
	NetnsExists(name string) bool
	NetnsPIDs(name string) []int
	LinkExists(netns, dev string) bool // netns "" = this namespace
	DelLink(netns, dev string) error
	// ProcStart is the start time of a live process (false when it is gone or a zombie).
	ProcStart(pid int) (uint64, bool)
	Signal(pid int, sig syscall.Signal) error
}

// host is the real machine, driven through iproute2.
type host struct{}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %s", strings.Join(args, " "), bytes.TrimSpace(out))
	}
	return nil
}

func (host) AddNetns(name string) error {
	if err := ipCmd("netns", "add", name); err != nil {
		return err
	}
	return ipCmd("-n", name, "link", "set", "lo", "up")
}

func (host) DelNetns(name string) error { return ipCmd("netns", "del", name) }

func (host) NetnsExists(name string) bool {
	_, err := os.Stat("/run/netns/" + name)
	if errors.Is(err, os.ErrNotExist) {
		_, err = os.Stat("/var/run/netns/" + name)
	}
	return err == nil
}

func (host) NetnsPIDs(name string) []int {
	out, err := exec.Command("ip", "netns", "pids", name).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if p, err := strconv.Atoi(f); err == nil {
			pids = append(pids, p)
		}
	}
	return pids
}

func (host) LinkExists(netns, dev string) bool {
	args := []string{"link", "show", "dev", dev}
	if netns != "" {
		args = append([]string{"-n", netns}, args...)
	}
	return exec.Command("ip", args...).Run() == nil
}

func (host) DelLink(netns, dev string) error {
	args := []string{"link", "del", "dev", dev}
	if netns != "" {
		args = append([]string{"-n", netns}, args...)
	}
	return ipCmd(args...)
}

func (host) ProcStart(pid int) (uint64, bool) { return procStart(pid) }

func (host) Signal(pid int, sig syscall.Signal) error { return syscall.Kill(pid, sig) }

// procStart reads field 22 (starttime) of /proc/PID/stat; zombies count as gone.
func procStart(pid int) (uint64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may contain spaces and parentheses: split after its last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return 0, false
	}
	v, err := strconv.ParseUint(f[19], 10, 64)
	return v, err == nil
}
