package ftpinspect

import (
	"time"

	"natlab/ios"
)

func (f *Feature) installStatistics() {
	f.e.Install(&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip inspect statistics",
		Help: helps(nil, ios.HelpShow, ios.HelpShowIP, helpShowInspect, "Inspection statistics"), Run: f.cmdShowStatistics})
}

// cmdShowStatistics is `show ip inspect statistics`: IOS's packet and
// session counts (packets that started a session count as process
// switched, the rest as fast switched, as IOS sets sessions up at process
// level), then the limits' and the FTP engine's drops and evictions.
func (f *Feature) cmdShowStatistics(c *ios.Context, a ios.Args) error {
	st := f.cb.stats()
	ftp := f.In.Stats()
	f.mu.Lock()
	nIf := len(f.iface)
	f.mu.Unlock()
	c.Printf("Packet inspection statistics [process switch:fast switch]\n")
	var created uint64
	for i, name := range protoNames {
		c.Printf("  %s packets: [%d:%d]\n", name, st.startPackets[i], st.packets[i]-st.startPackets[i])
		created += st.created[i]
	}
	c.Printf("Interfaces configured for inspection %d\n", nIf)
	c.Printf("Session creations since subsystem startup or last reset %d\n", created)
	c.Printf("Current session counts (estab/half-open/terminating) [%d:%d:%d]\n", st.total-st.half-st.term, st.half, st.term)
	c.Printf("Maxever session counts (estab/half-open/terminating) [%d:%d:%d]\n", st.maxOpen, st.maxHalf, st.maxTerm)
	if st.lastCreated == 0 {
		c.Printf("Last session created never\n")
	} else {
		c.Printf("Last session created %s\n", hms(f.In.cfg.Clock().Sub(time.Unix(0, st.lastCreated))))
	}
	c.Printf("Last session creation rate %d\n", st.rate)
	c.Printf("Maxever session creation rate %d\n", st.maxRate)
	c.Printf("Last half-open session total %d\n", st.half)
	c.Printf("Session table limit %d; dropped when full %d; half-open sessions evicted %d\n", f.cb.max, st.tableFull, st.evicted)
	c.Printf("Aggressive mode is %s; half-open sessions deleted %d\n", onOff(st.aggressive), st.aggressiveDeleted)
	c.Printf("Per-host half-open limit: sessions deleted %d; hosts blocked %d; connections to blocked hosts dropped %d\n",
		st.hostDeleted, st.hostBlocks, st.blockedDrops)
	c.Printf("TCP segments dropped out of window %d\n", st.outOfWindow)
	c.Printf("FTP control connections %d; passed uninspected when full %d\n", ftp.Conns, ftp.ConnTableFull)
	c.Printf("FTP pinholes %d; opened %d, used %d, expired %d, evicted %d\n",
		ftp.Pinholes, ftp.PinholesOpened, ftp.PinholesUsed, ftp.PinholesExpired, ftp.Evictions)
	c.Printf("FTP data sessions %d; pinhole or data table full %d\n", ftp.DataFlows, ftp.TableFull)
	return nil
}
