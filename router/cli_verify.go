package router

import (
	"fmt"
	"strconv"
	"strings"

	"natlab/ios"
)

// IfOrderVerify places `ip verify unicast source` in an interface block:
// after the access groups, as IOS renders it.
const IfOrderVerify = 35

var verifyHelp = []string{ios.HelpIfIP, "Enable per packet validation", "Enable per packet validation for unicast",
	"Validation of source address", "Specify reachability check to apply to the source address",
	"Source is reachable via interface on which packet was received", "Source is reachable via any interface",
	"Allow default route to match when checking source address",
	"IP access list (standard or extended)", "IP expanded access list (standard or extended)"}

func (c *CLI) installVerifyCommands() {
	c.e.Install(
		&ios.Command{Mode: ios.ConfigIf,
			Syntax: "[no] ip verify unicast source reachable-via <rx|any> [allow-default] [<(1-199)$acl|(1300-2699)$xacl>]",
			Help:   verifyHelp, Run: c.onInterface(c.cmdVerify)},
	)
	c.AddInterfaceConfig(IfOrderVerify, c.verifyLines)
}

func (c *CLI) cmdVerify(ctx *ios.Context, a ios.Args, i *Interface) error {
	if a.No() {
		i.SetVerifySource(VerifySource{})
		return nil
	}
	v := VerifySource{Mode: VerifyRx, AllowDefault: a.Has("allow-default")}
	if a.Has("any") {
		v.Mode = VerifyAny
	}
	switch {
	case a.Has("acl"):
		v.ACL = strconv.Itoa(a.Int("acl"))
	case a.Has("xacl"):
		v.ACL = strconv.Itoa(a.Int("xacl"))
	}
	i.SetVerifySource(v)
	return nil
}

func (c *CLI) verifyLines(name string) []string {
	v := c.r.Interface(name).VerifySource()
	if v.Mode == VerifyOff {
		return nil
	}
	words := []string{"ip verify unicast source reachable-via", "rx"}
	if v.Mode == VerifyAny {
		words[1] = "any"
	}
	if v.AllowDefault {
		words = append(words, "allow-default")
	}
	if v.ACL != "" {
		words = append(words, v.ACL)
	}
	return []string{strings.Join(words, " ")}
}

// verifyStatus is show ip interface's uRPF block, or nothing when uRPF is
// off. The drop rate is drops per second averaged since boot or the last
// clear counters, as the rates of show interfaces are.
func (c *CLI) verifyStatus(i *Interface) []string {
	v := i.VerifySource()
	if v.Mode == VerifyOff {
		return nil
	}
	head := "IP verify source reachable-via RX"
	if v.Mode == VerifyAny {
		head = "IP verify source reachable-via ANY"
	}
	if v.AllowDefault {
		head += ", allow default"
	}
	if v.ACL != "" {
		head += ", ACL " + v.ACL
	}
	k := i.VerifyCounters()
	_, rate := rate(0, k.Drops, c.counterWindow(i))
	return []string{head,
		fmt.Sprintf(" %d verification drops", k.Drops),
		fmt.Sprintf(" %d suppressed verification drops", k.Suppressed),
		fmt.Sprintf(" %d verification drop-rate", rate)}
}
