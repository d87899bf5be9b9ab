package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"

	"natlab/labs"
)

// cmdInventory is `labs inventory [--ansible|--nornir] [--from HOST] [LAB]`: an inventory of the lab's
// routers for automation run on one of its hosts. LAB is a running lab (its routers' addresses are read
// from their working startup-configs, which write memory updates), else a topology file or a shipped
// lab; without it, the only running lab.
func cmdInventory(args []string) error {
	fs := flag.NewFlagSet("inventory", flag.ContinueOnError)
	ansible := fs.Bool("ansible", false, "an Ansible YAML inventory (the default)")
	nornir := fs.Bool("nornir", false, "a Nornir SimpleInventory hosts file")
	from := fs.String("from", "", "the host that runs the automation (default: the first host on each router's links)")
	lab := fs.String("lab", "", "the running lab")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *ansible && *nornir {
		return errors.New("give --ansible or --nornir, not both")
	}
	if len(pos) > 1 || len(pos) == 1 && *lab != "" {
		return errors.New("want at most one lab: labs inventory [--ansible|--nornir] [--from HOST] [LAB]")
	}
	t, configs, err := inventoryTopology(first(append(pos, *lab)))
	if err != nil {
		return err
	}
	targets, err := t.Targets(*from, configs)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return fmt.Errorf("lab %s has no routers", t.Name)
	}
	if *nornir {
		labs.WriteNornir(os.Stdout, t.Name, targets)
	} else {
		labs.WriteAnsible(os.Stdout, t.Name, targets)
	}
	for _, tg := range targets {
		if !tg.Addr.IsValid() {
			fmt.Fprintf(os.Stderr, "labs inventory: %s left out: no host reaches an address of it\n", tg.Name)
		}
	}
	return nil
}

// inventoryTopology finds the lab: a running one by name (or the only one), else a file or a shipped
// lab. For a running lab it also returns the routers' working configs.
func inventoryTopology(arg string) (*labs.Topology, map[string]string, error) {
	running, err := labs.Running()
	if err != nil {
		return nil, nil, err
	}
	if arg == "" && len(running) == 0 {
		return nil, nil, errors.New("no lab is running: name a topology file or a shipped lab")
	}
	if arg == "" || slices.Contains(running, arg) {
		l, err := labs.Open(arg)
		if err != nil {
			return nil, nil, err
		}
		return l.Topo, l.RunningConfigs(), nil
	}
	t, err := loadTopology(arg)
	return t, nil, err
}
