package labs

import (
	"strings"
	"testing"
)

func TestCrashSummary(t *testing.T) {
	tests := []struct{ name, output, want string }{
		{"panic",
			"starting\npanic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x25\nexit status 2\n",
			"panic: boom\nmain.main()\n\t/src/main.go:5 +0x25"},
		{"nil dereference",
			"panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\n\ngoroutine 9 [running]:\nnatlab/nat.(*Table).lookup(...)\n\t/src/nat/table.go:88\n",
			"panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\nnatlab/nat.(*Table).lookup(...)\n\t/src/nat/table.go:88"},
		{"nested panic",
			"panic: first [recovered]\n\tpanic: second\n\ngoroutine 1 [running]:\nmain.f()\n\t/src/main.go:9 +0x1\n",
			"panic: first [recovered]\n\tpanic: second\nmain.f()\n\t/src/main.go:9 +0x1"},
		{"fatal error",
			"fatal error: concurrent map writes\n\ngoroutine 7 gp=0xc000102a80 m=4 mp=0xc000100808 [running]:\nnatlab/acl.(*List).add(0xc0000a4000)\n\t/src/acl/list.go:40 +0x4f fp=0xc0 sp=0xc0 pc=0x4\n",
			"fatal error: concurrent map writes\nnatlab/acl.(*List).add(0xc0000a4000)\n\t/src/acl/list.go:40 +0x4f fp=0xc0 sp=0xc0 pc=0x4"},
		{"signal",
			"SIGSEGV: segmentation violation\nPC=0x7f3a m=3 sigcode=1\n\ngoroutine 0 gp=0x5f3a40 m=0 mp=0x5f4100 [idle]:\nruntime.futex(0x5f4240)\n\t/go/src/runtime/sys_linux_amd64.s:557 +0x21\n\nrax    0x0\nrflags 0x246\n",
			"SIGSEGV: segmentation violation\nruntime.futex(0x5f4240)\n\t/go/src/runtime/sys_linux_amd64.s:557 +0x21"},
		{"no frame", "fatal error: runtime: out of memory\n", "fatal error: runtime: out of memory"},
		{"no crash", "% Invalid input detected at line 3\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := crashSummary(tt.output); got != tt.want {
			t.Errorf("%s: crashSummary =\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}

func FuzzCrashSummary(f *testing.F) {
	f.Add("panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x25\n")
	f.Add("SIGSEGV: segmentation violation\nPC=0x1 m=0\n\ngoroutine 0 [idle]:\nruntime.futex()\n\trax 0x0\n")
	f.Add("fatal error: x\n")
	f.Fuzz(func(t *testing.T, output string) {
		got := crashSummary(output)
		if got == "" {
			return
		}
		lines := strings.Split(got, "\n")
		if len(lines) > maxCrashHead+2 {
			t.Fatalf("a summary of %d lines", len(lines))
		}
		if !strings.Contains(output, strings.TrimSuffix(lines[0], "...")) {
			t.Fatalf("the summary's first line %q is not in the output", lines[0])
		}
		for _, ln := range lines {
			if len(ln) > maxCrashLine+len("...") {
				t.Fatalf("a line of %d bytes", len(ln))
			}
		}
	})
}
