package router

import (
	"strconv"
	"strings"

	"natlab/ios"
)

// interface range: one set of interface commands applied to several
// interfaces (config-if-range).

// maxRangeItems bounds the interfaces one range names (IOS allows five
// comma-separated parts).
const maxRangeItems = 5

func (c *CLI) installRangeCommand() {
	c.e.Install(&ios.Command{Mode: ios.Config, Syntax: "interface range LINE$spec",
		Help: []string{ios.HelpInterface, "interface range command", "Interface range, e.g. GigabitEthernet0/0 - 2 , GigabitEthernet0/3"},
		Run:  c.cmdInterfaceRange})
}

func (c *CLI) cmdInterfaceRange(ctx *ios.Context, a ios.Args) error {
	names, err := c.parseRange(a.Str("spec"))
	if err != nil {
		return err
	}
	items := make(ios.Range, len(names))
	for k, n := range names {
		i := c.r.Interface(n)
		c.bootDefaults(i)
		items[k] = n
	}
	ctx.Enter(ios.ConfigIfRange, items)
	return nil
}

// parseRange reads "g0/0 - 2 , g0/3" (spaces optional) into canonical
// names of existing interfaces.
func (c *CLI) parseRange(spec string) ([]string, error) {
	spec = strings.NewReplacer("-", " - ", ",", " , ").Replace(spec)
	parts := strings.Split(spec, ",")
	if len(parts) > maxRangeItems {
		return nil, ios.Errorf("%% Too many ranges: at most %d, separated by commas", maxRangeItems)
	}
	var out []string
	seen := map[string]bool{}
	for _, part := range parts {
		names, err := c.rangePart(strings.Fields(part))
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// rangePart reads one "TYPE SLOT/FIRST [- LAST]".
func (c *CLI) rangePart(f []string) ([]string, error) {
	bad := ios.Errorf("%% Invalid input detected in interface range")
	if len(f) == 0 {
		return nil, bad
	}
	// "gi0/0" or "gi 0/0"
	head := f[0]
	rest := f[1:]
	if !strings.ContainsAny(head, "0123456789") {
		if len(rest) == 0 {
			return nil, bad
		}
		head, rest = head+rest[0], rest[1:]
	}
	first, err := c.canonicalName(head)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return []string{first}, nil
	}
	if len(rest) != 2 || rest[0] != "-" {
		return nil, bad
	}
	cut := strings.LastIndexAny(first, "/.")
	base, lo := first[:cut+1], first[cut+1:]
	from, _ := strconv.Atoi(lo)
	to, err := strconv.Atoi(rest[1])
	if err != nil || to < from {
		return nil, bad
	}
	var out []string
	for n := from; n <= to; n++ {
		name := base + strconv.Itoa(n)
		if c.r.Interface(name) == nil {
			return nil, ios.Errorf("%% Interface %s does not exist", name)
		}
		out = append(out, name)
		if len(out) > 64 {
			return nil, bad
		}
	}
	return out, nil
}

// canonicalName expands an abbreviated name of an existing interface.
func (c *CLI) canonicalName(s string) (string, error) {
	i := strings.IndexAny(s, "0123456789")
	typ, num := strings.ToLower(s[:i]), s[i:]
	for _, full := range []string{"GigabitEthernet", "Loopback"} {
		if typ != "" && strings.HasPrefix(strings.ToLower(full), typ) {
			if c.r.Interface(full+num) != nil {
				return full + num, nil
			}
			return "", ios.Errorf("%% Interface %s%s does not exist", full, num)
		}
	}
	return "", ios.Errorf("%% Invalid interface type %s", s[:i])
}
