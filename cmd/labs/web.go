package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"natlab/labs"
	"natlab/labs/web"
)

// cmdWeb serves the live web view of a running lab (labs/web) until interrupted.
func cmdWeb(args []string) error {
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8080", "the address to serve on")
	lab := fs.String("lab", "", "the running lab (default: the only one)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return errors.New("want at most one lab: labs web [--listen ADDR] [LAB]")
	}
	name := *lab
	if name == "" {
		name = first(pos)
	}
	l, err := labs.Open(name)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if ap, ok := ln.Addr().(*net.TCPAddr); ok && !ap.IP.IsLoopback() {
		fmt.Fprintln(os.Stderr, "warning: the page opens the routers' consoles (privileged EXEC) to whoever reaches", ln.Addr())
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	srv := web.New(web.FromLab(l))
	srv.Start(ctx)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	fmt.Printf("lab %s: http://%s/ (Ctrl-C stops)\n", l.Lab, ln.Addr())
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
