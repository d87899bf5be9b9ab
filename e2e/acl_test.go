package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"natlab/internal/netnstest"
)

// TestNoInspectionNoData is the matrix's control experiment: with the inspection rules removed, the
// outside ACL (FTP control to the server only) stops every data connection, passive and active, so the
// matrix's transfers went through the pinholes and nothing else.
func TestNoInspectionNoData(t *testing.T) {
	netnstest.RequireRoot(t, "curl")
	serversAvailable(t)
	l := newOurLab(t)
	srv := startServer(t, "vsftpd", l.srv, srvAddr)
	l.router.MustRun(15*time.Second, "configure terminal",
		"interface GigabitEthernet0/0", " no ip inspect FW in",
		"interface GigabitEthernet0/1", " no ip inspect FW in",
		"interface GigabitEthernet0/2", " no ip inspect FW in", "end")
	for _, mode := range [][]string{{"--disable-epsv"}, {"-P", "-", "--disable-eprt"}} {
		dst := filepath.Join(t.TempDir(), "down.bin")
		args := append([]string{"curl", "-sS", "--max-time", "5", "-o", dst}, mode...)
		got, err := netnstest.Try(l.isp, append(args, "ftp://"+staticAddr+"/file.bin")...)
		if err == nil {
			t.Errorf("curl %v from the isp got the file through the ACL without inspection:\n%s", mode, got)
		}
	}
	// The control connection itself is permitted: the listing command reaches the server.
	if got, err := netnstest.Try(l.isp, "curl", "-sS", "--max-time", "10", "-I", "ftp://"+staticAddr+"/file.bin"); err != nil {
		t.Errorf("FTP control to the server without inspection: %v\n%s\n%s", err, got, srv.log.String())
	}
}
