package platform

import (
	"bytes"
	"strings"
	"testing"

	"natlab/ios"
)

// TestPlatformLines: IOSv's defaults render at their places; changed values render back; forms asking
// for what the emulator lacks are refused with a message.
func TestPlatformLines(t *testing.T) {
	e := ios.NewEngine()
	Register(e)
	var out bytes.Buffer
	s := e.NewSession(&out)
	s.SetMode(ios.Config)
	s.RunScript(strings.NewReader("aaa new-model\nipv6 cef\nscheduler allocate\nmmi polling-interval 30\nno ip forward-protocol nd\nno multilink bundle-name authenticated\nredundancy\nexit\ncontrol-plane\nend\n"))
	for _, want := range []string{"% AAA (aaa new-model) is not supported", "% IPv6 is not supported", "% The scheduler (scheduler allocate) is not supported",
		"R1(config-red)#", "R1(config-cp)#"} {
		if !strings.Contains(strings.ReplaceAll(out.String(), "Router", "R1"), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out.String())
		}
	}
	rc := e.RunningConfig()
	for _, want := range []string{"no aaa new-model\n", "mmi polling-interval 30\n", "no ipv6 cef\n", "no ip forward-protocol nd\n",
		"redundancy\n", "ipv6 ioam timestamp\n", "control-plane\n", "no scheduler allocate\n"} {
		if !strings.Contains(rc, want) {
			t.Errorf("running-config lacks %q:\n%s", want, rc)
		}
	}
	if strings.Contains(rc, "multilink bundle-name") {
		t.Errorf("no multilink bundle-name authenticated still renders:\n%s", rc)
	}
	if strings.Index(rc, "no aaa new-model") > strings.Index(rc, "redundancy") || strings.Index(rc, "control-plane") > strings.Index(rc, "no scheduler allocate") {
		t.Errorf("out of IOS order:\n%s", rc)
	}
}
