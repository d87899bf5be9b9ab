// Command labs builds CCNA practice topologies out of network namespaces and router processes, and
// grades them.
//
// Usage:
//
//	labs up [FILE|LAB] [--reset] [--restart] [--router PATH]
//	                                               deploy a topology (default: the ftp-nat reference lab)
//	labs down [NAME]                               remove a lab (also when its file is gone)
//	labs inspect [--json]                          nodes, addresses and state
//	labs console NODE                              the router's IOS console (Ctrl-] leaves)
//	labs cli NODE [COMMAND ...]                    run CLI lines (arguments or standard input)
//	labs exec NODE -- COMMAND ...                  run a program on a host
//	labs save                                      keep the routers' running configs for the next up
//	labs check [TASK ...] [--json] [-v]            grade the lab
//	labs graph [FILE|LAB] [--dot]                  draw the topology (Mermaid or Graphviz)
//	labs capture NODE IFACE [-w FILE] [-c N]       pcap of a link end (also NODE:IFACE, LAB NODE:IFACE)
//	labs inventory [--ansible|--nornir] [LAB]      an automation inventory of the lab's routers
//	labs list                                      the shipped labs
//	labs readme LAB                                a shipped lab's task
//
// Commands about a running lab take --lab NAME when more than one lab is up.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"natlab/console"
	"natlab/labs"
)

// exitError carries an exit status without a message (the command printed what it had to say).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

var commands = map[string]func(args []string) error{
	"up":      cmdUp,
	"down":    cmdDown,
	"destroy": cmdDown,
	"inspect": cmdInspect,
	"console": cmdConsole,
	"cli":     cmdCLI,
	"exec":    cmdExec,
	"save":    cmdSave,
	"check":   cmdCheck,
	"graph":   cmdGraph,
	"capture": cmdCapture,
	"list":    cmdList,
	"readme":  cmdReadme,
	// supervise runs one router or Go switch for labs up (which starts it); switch runs a switch with
	// VLANs. They are not for typing.
	"supervise": cmdSupervise,
	"switch":    cmdSwitch,

	"inventory": cmdInventory, // an Ansible or Nornir inventory of the routers (cmd/labs/inventory.go)
	"web":       cmdWeb,       // a live web view of the lab (cmd/labs/web.go)
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: labs COMMAND [ARGS]

  up [FILE|LAB] [--reset] [--restart] [--router PATH]
                                            deploy a topology (default: the ftp-nat reference lab);
                                            --restart restarts a router that fails while the lab runs
  down [NAME]                               remove a lab (also when its file is gone)
  inspect [--json]                          nodes, addresses and state
  console NODE                              the router's IOS console (Ctrl-] leaves)
  cli NODE [COMMAND ...]                    run CLI lines from the arguments or standard input
  exec NODE -- COMMAND ...                  run a program on a host
  save                                      keep the routers' running configs for the next up
  check [TASK ...] [--json] [-v]            grade the lab: exit 0 all passed, 1 a task failed, 2 no tasks
  graph [FILE|LAB] [--dot]                  draw the topology (Mermaid, or Graphviz with --dot)
  inventory [--ansible|--nornir] [LAB]      Ansible or Nornir inventory: router addresses a host reaches, credentials
  web [--listen 127.0.0.1:8080] [LAB]       a live web view: topology, NAT/inspect/ACL tables, packet events, consoles
  capture NODE IFACE [-w FILE] [-c N]       pcap of a link end: a router interface, a host interface
                                            or a switch port (also NODE:IFACE or LAB NODE:IFACE);
                                            to standard output without -w
  list                                      the shipped labs
  readme LAB                                a shipped lab's task

Commands about a running lab take --lab NAME when more than one lab is up.
`)
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "labs: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	err := cmd(os.Args[2:])
	var ee exitError
	switch {
	case errors.As(err, &ee):
		os.Exit(int(ee))
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintf(os.Stderr, "labs %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// parse parses flags anywhere among the arguments (labs check pat --json), up to a "--".
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(os.Stderr)
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if f := fs.Lookup(name); f != nil && !strings.Contains(a, "=") {
				if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
					if i+1 < len(args) {
						flags = append(flags, args[i+1])
						i++
					}
				}
			}
			continue
		}
		pos = append(pos, a)
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return pos, nil
}

// loadTopology reads a topology file, or a shipped lab by name, or the default lab.
func loadTopology(arg string) (*labs.Topology, error) {
	if arg == "" {
		return labs.LoadShipped(labs.DefaultLab)
	}
	if _, err := os.Stat(arg); err == nil {
		return labs.LoadFile(arg)
	}
	if !strings.ContainsAny(arg, "/.") {
		if t, err := labs.LoadShipped(arg); err == nil {
			return t, nil
		}
	}
	return labs.LoadFile(arg)
}

// routerBinary finds the router: --router, $NATLAB_ROUTER, a `router` next to this program, PATH.
func routerBinary(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	if env := os.Getenv("NATLAB_ROUTER"); env != "" {
		return env, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "router")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath("router"); err == nil {
		return filepath.Abs(p)
	}
	return "", errors.New("cannot find the router binary: build it (go build -o /usr/local/bin/router ./cmd/router), or pass --router PATH or set NATLAB_ROUTER")
}

func cmdUp(args []string) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	reset := fs.Bool("reset", false, "ignore configs saved by labs save; start from the startup-configs")
	router := fs.String("router", "", "the router binary")
	timeout := fs.Duration("timeout", 20*time.Second, "how long nodes get to become ready")
	restart := fs.Bool("restart", false, "restart a router that fails while the lab runs, from its startup-config (as restart: on-failure)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return errors.New("want at most one topology file")
	}
	t, err := loadTopology(first(pos))
	if err != nil {
		return err
	}
	bin, err := routerBinary(*router)
	if err != nil && len(t.Routers()) > 0 {
		return err
	}
	if os.Geteuid() != 0 {
		return errors.New("labs up needs root (network namespaces and TUN devices): run it with sudo")
	}
	if _, err := labs.Up(t, labs.Options{Router: bin, Reset: *reset, Restart: *restart, ReadyTimeout: *timeout, Out: os.Stdout}); err != nil {
		return err
	}
	l, err := labs.Open(t.Name)
	if err != nil {
		return err
	}
	l.Reach(os.Stdout)
	if t.Message != "" {
		fmt.Printf("\n%s", strings.TrimRight(t.Message, "\n")+"\n")
	}
	return nil
}

func cmdSupervise(args []string) error {
	fs := flag.NewFlagSet("supervise", flag.ContinueOnError)
	router := fs.String("router", "", "the router binary")
	restart := fs.Bool("restart", false, "restart the router when it fails")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return errors.New("want a lab's state directory and a router: labs supervise [--restart] --router PATH DIR NODE")
	}
	return labs.Supervise(pos[0], pos[1], labs.SuperviseOptions{Router: *router, Restart: *restart})
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func cmdDown(args []string) error {
	fs := flag.NewFlagSet("down", flag.ContinueOnError)
	lab := fs.String("lab", "", "the lab to remove")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	name := *lab
	if name == "" && len(pos) > 0 {
		name = pos[0]
		// A topology file names its lab.
		if _, err := os.Stat(name); err == nil {
			if t, err := labs.LoadFile(name); err == nil {
				name = t.Name
			}
		}
	}
	if name == "" {
		running, err := labs.Running()
		if err != nil {
			return err
		}
		switch len(running) {
		case 0:
			fmt.Println("no lab is running: nothing to remove")
			return nil
		case 1:
			name = running[0]
		default:
			return fmt.Errorf("%d labs are running (%s): name one", len(running), strings.Join(running, ", "))
		}
	}
	return labs.Down(name, os.Stdout)
}

func openLab(fs *flag.FlagSet, args []string) (*labs.Lab, []string, error) {
	lab := fs.String("lab", "", "the running lab (default: the only one)")
	pos, err := parse(fs, args)
	if err != nil {
		return nil, nil, err
	}
	l, err := labs.Open(*lab)
	return l, pos, err
}

func cmdInspect(args []string) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	all := fs.Bool("all", false, "every running lab")
	lab := fs.String("lab", "", "the running lab (default: the only one)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	names := []string{*lab}
	if *lab == "" && len(pos) > 0 {
		names = pos
	}
	if *all {
		if names, err = labs.Running(); err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Println("no lab is running")
			return nil
		}
	}
	for _, n := range names {
		l, err := labs.Open(n)
		if err != nil {
			return err
		}
		if err := l.Inspect(os.Stdout, *asJSON); err != nil {
			return err
		}
	}
	return nil
}

func cmdConsole(args []string) error {
	l, pos, err := openLab(flag.NewFlagSet("console", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("want one router: labs console NODE")
	}
	path, err := l.ConsolePath(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "Connected to %s (%s). Escape character is '^]'.\n", pos[0], path)
	err = console.Attach(path, os.Stdin, os.Stdout)
	fmt.Fprintf(os.Stderr, "\nConnection to %s closed.\n", pos[0])
	return err
}

func cmdCLI(args []string) error {
	fs := flag.NewFlagSet("cli", flag.ContinueOnError)
	echo := fs.Bool("echo", false, "print each line after the prompt, as in a session transcript")
	lab := fs.String("lab", "", "the running lab (default: the only one)")
	// Flags only before the node: everything after it is the command (show ip nat translations | include --).
	if err := fs.Parse(args); err != nil {
		return err
	}
	pos := fs.Args()
	if len(pos) == 0 {
		return errors.New("want a router: labs cli NODE [COMMAND ...]")
	}
	l, err := labs.Open(*lab)
	if err != nil {
		return err
	}
	var lines []string
	if len(pos) > 1 {
		lines = strings.Split(strings.Join(pos[1:], " "), "\n")
	} else if lines, err = labs.ReadLines(os.Stdin); err != nil {
		return err
	}
	failed, err := l.CLI(pos[0], lines, os.Stdout, *echo)
	if err != nil {
		return err
	}
	if failed > 0 {
		return exitError(1)
	}
	return nil
}

func cmdExec(args []string) error {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	lab := fs.String("lab", "", "the running lab (default: the only one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pos := fs.Args()
	if len(pos) < 2 {
		return errors.New("want a host and a command (labs exec NODE -- COMMAND [ARG]...)")
	}
	node, argv := pos[0], pos[1:]
	if argv[0] == "--" {
		argv = argv[1:]
	}
	l, err := labs.Open(*lab)
	if err != nil {
		return err
	}
	cmd, err := l.ExecCommand(node, argv...)
	if err != nil {
		return err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Ignore(syscall.SIGINT) // the program in the namespace gets Ctrl-C; we report its status
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitError(max(ee.ExitCode(), 1))
	}
	return err
}

func cmdSave(args []string) error {
	l, _, err := openLab(flag.NewFlagSet("save", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	files, err := l.Save()
	for _, f := range files {
		fmt.Println("saved", f)
	}
	return err
}

func cmdCheck(args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	verbose := fs.Bool("v", false, "show what a failing check saw")
	l, pos, err := openLab(fs, args)
	if err != nil {
		return err
	}
	var progress func(labs.Result)
	if !*asJSON {
		progress = func(r labs.Result) { labs.PrintResult(os.Stdout, r, *verbose) }
	}
	rep, err := l.Check(pos, progress)
	if errors.Is(err, labs.ErrNoTasks) {
		fmt.Fprintf(os.Stderr, "lab %s has no tasks\n", l.Lab)
		return exitError(2)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		rep.WriteJSON(os.Stdout)
	} else {
		labs.PrintReport(os.Stdout, rep)
	}
	if !rep.Passed() {
		return exitError(1)
	}
	return nil
}

func cmdGraph(args []string) error {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	dot := fs.Bool("dot", false, "Graphviz dot instead of Mermaid")
	fs.Bool("mermaid", true, "Mermaid (the default)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	t, err := loadTopology(first(pos))
	if err != nil {
		return err
	}
	if *dot {
		t.Dot(os.Stdout)
	} else {
		t.Mermaid(os.Stdout)
	}
	return nil
}

func cmdCapture(args []string) error {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	file := fs.String("w", "", "write the pcap to FILE (default: standard output)")
	count := fs.Int("c", 0, "stop after N packets")
	lab := fs.String("lab", "", "the running lab (default: the only one)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	labName, node, iface, err := captureTarget(*lab, pos)
	if err != nil {
		return err
	}
	l, err := labs.Open(labName)
	if err != nil {
		return err
	}
	ns, dev, err := l.CapturePoint(node, iface)
	if err != nil {
		return err
	}
	var w io.Writer = os.Stdout
	if *file != "" && *file != "-" {
		f, err := os.Create(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	} else if fi, err := os.Stdout.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return errors.New("standard output is a terminal: use -w FILE, or pipe into tcpdump -r - / wireshark -k -i -")
	}
	stop := make(chan struct{})
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sigs; close(stop) }()
	fmt.Fprintf(os.Stderr, "capturing on %s %s (%s in %s); Ctrl-C stops\n", node, iface, dev, ns)
	n, err := labs.Capture(ns, dev, w, *count, stop)
	fmt.Fprintf(os.Stderr, "%d packets captured\n", n)
	return err
}

// captureTarget reads what labs capture watches: NODE IFACE, NODE:IFACE, or LAB NODE:IFACE (a link
// end as the topology writes it, on the lab named first).
func captureTarget(lab string, pos []string) (labName, node, iface string, err error) {
	const want = "want a link end: labs capture NODE IFACE, NODE:IFACE or LAB NODE:IFACE [-w FILE] [-c N]"
	switch {
	case len(pos) == 1 && strings.Contains(pos[0], ":"):
		node, iface, _ = strings.Cut(pos[0], ":")
	case len(pos) == 2 && strings.Contains(pos[1], ":"):
		if lab != "" && lab != pos[0] {
			return "", "", "", fmt.Errorf("two labs named: --lab %s and %s", lab, pos[0])
		}
		lab = pos[0]
		node, iface, _ = strings.Cut(pos[1], ":")
	case len(pos) == 2:
		node, iface = pos[0], pos[1]
	default:
		return "", "", "", errors.New(want)
	}
	if node == "" || iface == "" {
		return "", "", "", errors.New(want)
	}
	return lab, node, iface, nil
}

func cmdList(args []string) error {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 1, ' ', 0)
	for _, d := range labs.ShippedLabs() {
		t, err := labs.LoadShipped(d)
		if err != nil {
			return err
		}
		first, _, _ := strings.Cut(strings.TrimSpace(t.Message), "\n")
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d, t.Name, first)
	}
	return tw.Flush()
}

func cmdReadme(args []string) error {
	if len(args) != 1 {
		return errors.New("want a shipped lab: labs readme LAB (labs list shows them)")
	}
	dir := args[0]
	for _, d := range labs.ShippedLabs() {
		// A lab name (ccna-e1) names its directory, as for labs up.
		if t, err := labs.LoadShipped(d); err == nil && t.Name == dir {
			dir = d
		}
	}
	b, err := labs.ShippedFile(dir, "README.md")
	if err != nil {
		return fmt.Errorf("no shipped lab %q (labs list shows them)", args[0])
	}
	os.Stdout.Write(b)
	return nil
}
