package labs

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Shipped holds the CCNA labs (labs/ccna/<dir>/topology.yml, start configs, README, solution).
//
//go:embed ccna
var Shipped embed.FS

// DefaultLab is the lab `labs up` starts without a file: the reference topology of the project.
const DefaultLab = "ftp-nat"

// ShippedLabs lists the directories of the shipped labs.
func ShippedLabs() []string {
	ents, _ := fs.ReadDir(Shipped, "ccna")
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// LoadShipped parses a shipped lab by directory (e5-ftp-nat) or lab name (ccna-e5).
func LoadShipped(name string) (*Topology, error) {
	for _, dir := range ShippedLabs() {
		p := path.Join("ccna", dir)
		raw, err := fs.ReadFile(Shipped, path.Join(p, "topology.yml"))
		if err != nil {
			return nil, err
		}
		if dir != name && !strings.Contains(string(raw), "\nname: "+name+"\n") {
			continue
		}
		return Parse(raw, "embedded:"+p+"/topology.yml", Shipped, p)
	}
	return nil, fmt.Errorf("no shipped lab %q (there are %s)", name, strings.Join(ShippedLabs(), ", "))
}

// ShippedFile reads a file of a shipped lab (README.md, solution.cfg).
func ShippedFile(dir, file string) ([]byte, error) {
	return fs.ReadFile(Shipped, path.Join("ccna", dir, file))
}
